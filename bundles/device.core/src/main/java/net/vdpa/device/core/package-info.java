/**
 * The generic half of a virtio device, as Linux's {@code vdpa_sim.c} is for {@code vdpa_sim_net.c}
 * and {@code vdpa_sim_blk.c}: {@link net.vdpa.device.core.VirtioDevice} implements the whole
 * {@link net.vdpa.api.VdpaDevice} contract (status machine, feature negotiation, virtqueue slots and
 * saved state, config space with generation, DMA map through the ring's IOTLB, suspend and resume,
 * reset) and starts a device kind's {@link net.vdpa.device.core.QueueWorker}s at DRIVER_OK. A device
 * kind supplies only its config layout ({@link net.vdpa.device.core.ConfigSpace}), its features and
 * their rules ({@link net.vdpa.device.core.FeatureCheck}), and its queue handlers.
 *
 * <p>Threads: control-plane calls are serialised by the device's lock; workers never take it, so a
 * reset can stop and join them; kicks take no lock and allocate nothing.
 *
 * <p>2.0.0: {@code DeviceLog} is gone (the api's {@code EventLog} serves every bundle), and a device
 * reports refused DMA translations ({@code setDmaFaultCallback}).
 */
@Export
@Version("2.1.0")
package net.vdpa.device.core;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
