/**
 * Driver memory as the device sees it: {@link net.vdpa.ring.mem.MemoryRegion}s of off-heap memory
 * (direct buffers, or files mapped so another process shares them), mapped at IOVAs with
 * permissions in an {@link net.vdpa.ring.mem.Iotlb}, and a {@link net.vdpa.ring.mem.DmaAllocator}
 * for drivers.
 *
 * <p>The design rule is that a device never holds a raw address: every address it reads from a
 * ring is translated, checked for bounds, wrap-around and permission, and turned into an absolute
 * index in a {@link java.nio.ByteBuffer} that cannot reach outside its mapping. A bad address is a
 * {@link net.vdpa.ring.RingError} value, never an exception and never an access to unmapped memory.
 * Translation allocates nothing and keeps a last-hit cache in the caller's
 * {@link net.vdpa.ring.mem.Translation}; the map itself is an immutable sorted table replaced on
 * every change, so translations need no lock.
 *
 * <p>0.2.0 adds {@link net.vdpa.ring.mem.DmaFaultListener}: an IOTLB tells of refused translations.
 * 0.3.0 adds {@link net.vdpa.ring.mem.MemoryRegion#pageAlignedBuffer} and {@link
 * net.vdpa.ring.mem.Iotlb#peek} (a translation that reports no fault, for reading ahead). 0.4.0
 * adds a batch's translations against one snapshot of the map ({@link
 * net.vdpa.ring.mem.Iotlb#translate(Object, long, long, boolean, Translation)}, {@link
 * net.vdpa.ring.mem.Iotlb#hitOffset}, {@link net.vdpa.ring.mem.Translation#hitBuffer}).
 */
@Export
@Version("0.4.0")
package net.vdpa.ring.mem;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
