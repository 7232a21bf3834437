/**
 * Controls of the simulated devices that have no virtio equivalent: where a simulated NIC's port
 * is plugged (loopback, a cable to another simulated NIC, a pcap capture file) and its link state.
 */
@Export
@Version("1.1.0")
package net.vdpa.api.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
