/**
 * Ports, for any device kind that has them: a simulated NIC's one port, a SmartNIC's uplinks and
 * representors. {@link net.vdpa.api.port.PortControl} is offered by each device bundle with ports:
 * where a port is plugged (loopback, a cable to another port, a pcap capture file, a UDP or TCP
 * socket that QEMU's network backends speak), its link state and its counters. The shell's {@code vdpa:port} commands work on every such service alike, and join ports of two providers with a cable
 * through their {@link net.vdpa.api.port.PortEnd}s.
 */
@Export
@Version("1.3.0")
package net.vdpa.api.port;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
