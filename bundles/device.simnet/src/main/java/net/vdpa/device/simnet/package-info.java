/**
 * The simulated NIC: the {@code vdpasim_net} management device and the virtio-net devices it
 * creates, each with one port plugged into a wire (loopback, a cable to another simulated NIC, a
 * pcap capture file, or a UDP or TCP stream socket speaking QEMU's {@code dgram} and {@code stream}
 * framing).
 *
 * <p>Design. The control plane ({@link net.vdpa.device.simnet.SimNetDevice}) is serialised by one
 * lock per device and never runs the datapath. The datapath runs on one
 * {@link net.vdpa.device.simnet.QueuePairWorker} thread per queue pair, started at DRIVER_OK and
 * joined on reset: each worker alone owns its queues (the ring library's device side is
 * single-threaded), so the datapath needs no lock. Workers sleep when idle and are woken by kicks
 * or by frames arriving from a cable. Frames move without allocation: loopback copies straight from
 * the transmit chain's translated segments into the receive chain's, a cable copies through
 * preallocated slots of the receiving pair's {@link net.vdpa.device.core.net.FrameQueue}. A full
 * slot queue is back-pressure, not loss: the sending worker keeps the transmit chain and is woken
 * when the receiver has drained (what a wire really cannot carry is dropped and counted as the
 * sender's {@code tx_drops}).
 *
 * <p>Sockets. A {@link net.vdpa.device.simnet.SocketWire} is a cable whose far end is outside the
 * JVM: the transmitting worker writes (a datagram per frame, or length-prefixed frames batched per
 * transmit pass), and one receive thread per wire reads into a direct buffer and offers each frame
 * to the port's inbox exactly as a cable's far end would, so the worker delivers it. A full inbox
 * parks the receive thread until the worker drains ({@code Wire.drained}); what a peer sends wrong
 * is counted by reason, never thrown. The framing lives in its own pure class
 * ({@link net.vdpa.device.simnet.StreamFrames}) so that every bad input is tested without sockets.
 *
 * <p>Ports. What a port is plugged into is a setting kept by device name
 * ({@link net.vdpa.device.simnet.PortSetting}, in ConfigAdmin through
 * {@link net.vdpa.device.simnet.CmPortStore}), not a property of the device object: devices come and
 * go (restarts, bundle updates, {@code dev set}), their settings stay, and
 * {@link net.vdpa.device.simnet.SimNetPortBoard} makes each port's wire from its setting and from
 * which devices are present at that moment (a cable to an absent device waits). A setting is
 * forgotten only when its device will not come back: its kept device configuration is gone.
 *
 * <p>Private package: the bundle exports nothing and offers only services.
 */
package net.vdpa.device.simnet;
