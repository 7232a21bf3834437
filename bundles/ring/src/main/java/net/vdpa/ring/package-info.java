/**
 * The virtqueue library every device and driver shares: virtio 1.x split and packed rings laid out
 * byte-exact in off-heap memory, with a driver side and a device side.
 *
 * <p>0.3.0 adds {@link net.vdpa.ring.DriverQueue#nextId()}; 0.4.0 adds {@link
 * net.vdpa.ring.DeviceQueue#readAhead}; 0.5.0 adds {@link
 * net.vdpa.ring.DriverQueue#pollUsed(int[], int[], int)} (used buffers taken back in bursts); 0.6.0 lets that burst's {@code ids} be null
 * (a driver that keeps a buffer per id needs only the count).
 */
@Export
@Version("0.6.0")
package net.vdpa.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
