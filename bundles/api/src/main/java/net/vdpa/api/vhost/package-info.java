/**
 * The vhost class: what the {@code vhost_vdpa} driver publishes once it holds a device. {@link
 * net.vdpa.api.vhost.VhostVdpa} is one service per bound device, the Java form of a {@code
 * /dev/vhost-vdpa-N} character device; {@link net.vdpa.api.vhost.VhostVdpa#open} is its exclusive
 * open, and the {@link net.vdpa.api.vhost.VhostHandle} it returns carries the vhost-vdpa ioctls
 * (features, owner, status, config, vring set-up, IOTLB updates).
 *
 * <p>The same device is also reachable from other processes through a vhost-user socket, whose path
 * is a service property. Both ways share one owner slot: while a vhost-user frontend is connected,
 * {@code open} is refused with the reason, and while a handle is open, frontends are turned away.
 * The backend either listens on the socket or, in {@link net.vdpa.api.vhost.SocketMode#CLIENT}
 * mode, connects to a frontend that listens (QEMU's {@code server=on}, virtio-user's
 * {@code server=1}) and connects again whenever that frontend restarts.
 *
 * <p>This package lives in the API bundle, not in the driver bundle, so that a consumer stays wired
 * when the driver bundle goes away and simply sees the service unregistered.
 */
@Export
@Version("1.1.0")
package net.vdpa.api.vhost;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
