/**
 * The split virtqueue of virtio 1.x (§2.7): {@link net.vdpa.ring.split.SplitDriver} and {@link
 * net.vdpa.ring.split.SplitDevice} over the byte layout in {@link net.vdpa.ring.split.SplitLayout},
 * with indirect descriptors, EVENT_IDX, IN_ORDER and batched index publication, and the {@link
 * net.vdpa.ring.split.SplitQueueState} that survives suspend and migration.
 *
 * <p>Both sides share memory only through the ring areas; each keeps its own bookkeeping in Java
 * arrays. The producer of an index writes the entries first with plain stores and then the 16-bit
 * index with one release store; the consumer reads the index with acquire, and only when its cached
 * copy is used up. Notification decisions put a full fence between the index store and the read of
 * the other side's event field, as the spec's "memory barrier" asks.
 */
@Export
@Version("0.1.0")
package net.vdpa.ring.split;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
