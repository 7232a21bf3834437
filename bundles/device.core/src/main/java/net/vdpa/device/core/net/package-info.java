/**
 * What every virtio-net device kind shares, on top of the device core: frames as they leave a
 * transmit chain ({@link net.vdpa.device.core.net.Frame}), the bounded inbox a wire or a switch
 * copies them into ({@link net.vdpa.device.core.net.FrameQueue}, with 802.1Q tag push and pop), the
 * receive queue with mergeable buffers ({@link net.vdpa.device.core.net.RxQueue}), the control
 * queue and the receive filter it sets ({@link net.vdpa.device.core.net.ControlQueue}, {@link
 * net.vdpa.device.core.net.RxFilter}), per-queue counters in the kernel's names ({@link
 * net.vdpa.device.core.net.QueueStats}), {@code virtio_net_config} ({@link
 * net.vdpa.device.core.net.NetConfigSpace}) and receive-side scaling (the Toeplitz hash, the
 * driver's RSS configuration and the steering of received frames: {@link
 * net.vdpa.device.core.net.RssConfig}, {@link net.vdpa.device.core.net.RxSteering}), and the hash
 * report (HASH_REPORT: {@link net.vdpa.device.core.net.RxHash}, computed once by the steering and
 * carried with the frame into the 20-byte header). The simulated NIC and the SmartNIC functions are
 * built from these; a new network device kind adds only its wire. Wires every kind shares: a pcap
 * capture ({@link net.vdpa.device.core.net.PcapWriter}) and a cable to another provider's port
 * ({@link net.vdpa.device.core.net.ForeignCable}, {@link net.vdpa.device.core.net.FrameWrap}).
 */
@Export
@Version("1.2.0")
package net.vdpa.device.core.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
