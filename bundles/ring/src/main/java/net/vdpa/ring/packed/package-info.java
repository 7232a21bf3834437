/**
 * The packed virtqueue of virtio 1.1+ (§2.8): one ring of 16-byte descriptors that the driver makes
 * available and the device marks used in place, with AVAIL (bit 7) and USED (bit 15) flags compared
 * against wrap counters that start at 1. {@link net.vdpa.ring.packed.PackedDriver} and {@link
 * net.vdpa.ring.packed.PackedDevice} support chained and indirect descriptors, buffer ids, the event
 * suppression structures (enable, disable, descriptor-specific with EVENT_IDX), IN_ORDER (one used
 * descriptor for a run of chains the device only read) and batching, over
 * the layout in {@link net.vdpa.ring.packed.PackedLayout}; {@link
 * net.vdpa.ring.packed.PackedQueueState} carries positions and wrap counters across suspend.
 *
 * <p>A packed ring has no index to publish: the flags of a batch's first descriptor play that role.
 * Everything else in the batch is written with plain stores, and that one 16-bit flags field is
 * written last with a release store; the other side reads it with acquire. Queue sizes need not be
 * powers of two.
 */
@Export
@Version("0.1.0")
package net.vdpa.ring.packed;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
