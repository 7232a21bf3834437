/**
 * The network class: what a network driver publishes once it holds a device ({@link
 * net.vdpa.api.net.NetInterface}, like a Linux netdev), and the virtio-net constants that devices
 * and drivers share ({@link net.vdpa.api.net.VirtioNet}). 1.3 adds hash reports (virtio-net's
 * HASH_REPORT): a {@link net.vdpa.api.net.HashReceiver} gets each frame's hash and its {@link
 * net.vdpa.api.net.HashReport} kind, and {@link net.vdpa.api.net.NetInterface#hashReports} counts them. 1.4 adds {@link
 * net.vdpa.api.net.NetInterface#poll}: a poll-mode receive loop on the caller's thread.
 *
 * <p>This package lives in the API bundle, not in a driver bundle, so that a consumer of network
 * interfaces stays wired when a driver bundle is uninstalled and simply sees the service go away.
 */
@Export
@Version("1.4.0")
package net.vdpa.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
