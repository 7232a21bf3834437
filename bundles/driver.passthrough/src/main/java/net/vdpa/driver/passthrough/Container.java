package net.vdpa.driver.passthrough;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.IovaRange;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.DmaMapping;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;

/**
 * An IOMMU container: a {@link Type1Space} whose mappings are mirrored into the IOTLB of every
 * device of every attached group. All state is guarded by the core's lock.
 */
final class Container implements IommuContainer {
  /** What the container offers before devices narrow it: a 48-bit address space, as x86 IOMMUs. */
  static final IovaRange BASE_RANGE = new IovaRange(0, (1L << 48) - 1);

  private final Object lock;
  private final String owner;
  private final Type1Space space;
  private final List<Group> groups = new ArrayList<>();
  private final Runnable onClose;
  private boolean revoked;

  Container(Object lock, String owner, int dmaEntryLimit, Runnable onClose) {
    this.lock = lock;
    this.owner = owner;
    this.space = new Type1Space(dmaEntryLimit);
    this.onClose = onClose;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public long pageSizes() {
    return Type1Space.PAGE_SIZES;
  }

  @Override
  public List<IovaRange> iovaRanges() {
    synchronized (lock) {
      return List.of(range(null));
    }
  }

  /** The base range narrowed by every device of the attached groups and of {@code extra}. */
  private IovaRange range(Group extra) {
    long first = BASE_RANGE.first();
    long last = BASE_RANGE.last();
    List<Group> all = new ArrayList<>(groups);
    if (extra != null) {
      all.add(extra);
    }
    for (Group g : all) {
      for (VdpaDevice d : g.boundDevices()) {
        IovaRange r = d.iovaRange();
        first = Long.compareUnsigned(r.first(), first) > 0 ? r.first() : first;
        last = Long.compareUnsigned(r.last(), last) < 0 ? r.last() : last;
      }
    }
    if (Long.compareUnsigned(first, last) > 0) {
      return new IovaRange(first, first); // degenerate: nothing page-sized fits
    }
    return new IovaRange(first, last);
  }

  @Override
  public int dmaEntryLimit() {
    return space.limit();
  }

  @Override
  public int dmaAvailable() {
    synchronized (lock) {
      return space.limit() - space.size();
    }
  }

  @Override
  public void dmaMap(long iova, ByteBuffer memory, DmaPerm perm) {
    synchronized (lock) {
      live();
      DmaMapping m = space.checkMap(iova, memory, perm, List.of(range(null)));
      List<VdpaDevice> done = new ArrayList<>();
      try {
        for (Group g : groups) {
          for (VdpaDevice d : g.boundDevices()) {
            mapInto(d, m, memory);
            done.add(d);
          }
        }
      } catch (RuntimeException e) {
        for (VdpaDevice d : done) {
          unmapFrom(d, m);
        }
        throw new VfioException(VfioError.INVALID, "dma map at " + Type1Space.hex(iova) + " refused by a device: "
            + e.getMessage());
      }
      space.add(m, memory);
    }
  }

  @Override
  public long dmaUnmap(long iova, long size) {
    synchronized (lock) {
      live();
      List<Type1Space.Entry> removed = space.checkUnmap(iova, size);
      long total = 0;
      for (Type1Space.Entry e : removed) {
        for (Group g : groups) {
          for (VdpaDevice d : g.boundDevices()) {
            unmapFrom(d, e.mapping());
          }
        }
        total += e.mapping().size();
      }
      space.remove(removed);
      return total;
    }
  }

  @Override
  public List<DmaMapping> mappings() {
    synchronized (lock) {
      return space.mappings();
    }
  }

  @Override
  public List<Integer> groups() {
    synchronized (lock) {
      List<Integer> ids = new ArrayList<>();
      for (Group g : groups) {
        ids.add(g.id());
      }
      ids.sort(null);
      return ids;
    }
  }

  @Override
  public boolean revoked() {
    synchronized (lock) {
      return revoked;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      for (Group g : new ArrayList<>(groups)) {
        g.detach();
      }
      space.clear();
      revoked = true;
    }
    onClose.run();
  }

  // ---------------------------------------------------------------- for groups (core lock held)

  /** Attaches a group: its devices get every mapping; refused if a mapping is outside their range. */
  void attach(Group g) {
    live();
    IovaRange narrowed = range(g);
    for (DmaMapping m : space.mappings()) {
      if (!narrowed.contains(m.iova(), m.size())) {
        throw new VfioException(VfioError.OUT_OF_RANGE, "group " + g.id() + " cannot reach the mapping "
            + Type1Space.hex(m.iova()) + "+" + m.size() + " (its range is " + narrowed + ")");
      }
    }
    for (VdpaDevice d : g.boundDevices()) {
      mapAll(d);
    }
    groups.add(g);
  }

  /** Detaches a group: its devices lose every mapping; the last group leaving drops the mappings. */
  void detach(Group g, boolean revoke) {
    if (!groups.remove(g)) {
      return;
    }
    for (VdpaDevice d : g.boundDevices()) {
      unmapAll(d);
    }
    if (revoke && groups.isEmpty()) {
      // as VFIO releases the IOMMU when the last group leaves a container
      space.clear();
      revoked = true;
    }
  }

  /** A device joined an attached group: it gets every mapping. */
  void mapAll(VdpaDevice d) {
    for (Type1Space.Entry e : space.entries()) {
      mapInto(d, e.mapping(), e.memory());
    }
  }

  /** A device leaves: it loses every mapping. */
  void unmapAll(VdpaDevice d) {
    for (DmaMapping m : space.mappings()) {
      unmapFrom(d, m);
    }
  }

  private static void mapInto(VdpaDevice d, DmaMapping m, ByteBuffer memory) {
    int perm = switch (m.perm()) {
      case READ -> VdpaDevice.DMA_READ;
      case WRITE -> VdpaDevice.DMA_WRITE;
      case READ_WRITE -> VdpaDevice.DMA_READ_WRITE;
    };
    d.dmaMap(m.iova(), memory.duplicate(), perm);
  }

  private static void unmapFrom(VdpaDevice d, DmaMapping m) {
    try {
      d.dmaUnmap(m.iova(), m.size());
    } catch (IllegalArgumentException alreadyGone) {
      // a device reset dropped its mappings before us
    }
  }

  private void live() {
    if (revoked) {
      throw new VfioException(VfioError.REVOKED, "container of " + owner + " was revoked or closed");
    }
  }
}
