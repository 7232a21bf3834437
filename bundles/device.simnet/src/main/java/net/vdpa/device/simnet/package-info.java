/**
 * The simulated NIC: the {@code vdpasim_net} management device and the virtio-net devices it
 * creates, each with one port plugged into a wire (loopback, a cable to another simulated NIC, or a
 * pcap capture file).
 *
 * <p>Design. The control plane ({@link net.vdpa.device.simnet.SimNetDevice}) is serialised by one
 * lock per device and never runs the datapath. The datapath runs on one
 * {@link net.vdpa.device.simnet.QueuePairWorker} thread per queue pair, started at DRIVER_OK and
 * joined on reset: each worker alone owns its queues (the ring library's device side is
 * single-threaded), so the datapath needs no lock. Workers sleep when idle and are woken by kicks
 * or by frames arriving from a cable. Frames move without allocation: loopback copies straight from
 * the transmit chain's translated segments into the receive chain's, a cable copies through
 * preallocated slots of the receiving pair's {@link net.vdpa.device.simnet.FrameQueue}.
 *
 * <p>Private package: the bundle exports nothing and offers only services.
 */
package net.vdpa.device.simnet;
