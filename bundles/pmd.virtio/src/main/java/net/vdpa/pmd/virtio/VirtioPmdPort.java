package net.vdpa.pmd.virtio;

import java.util.Arrays;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Region;
import net.vdpa.api.passthrough.VfioException;
import net.vdpa.api.pmd.Mbuf;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PmdStats;
import net.vdpa.ring.DriverQueue;

/**
 * A poll-mode port over one passthrough handle: queue 0 receives, queue 1 transmits, both in the
 * port's own {@link PacketMemory}. The burst methods run on one polling thread, allocate nothing
 * and take no lock; the release request only sets a flag the next burst acts on.
 *
 * <p><b>Ring indices in batches.</b> Each ring index is a cache line the device's thread writes or
 * reads on another core, so the port touches them in batches, as DPDK's virtio PMD does: receive
 * slots are refilled once {@link #RX_FREE_THRESH} are free ({@code rx_free_thresh}), and a
 * transmit burst reclaims used buffers only when fewer than {@link #TX_FREE_THRESH} descriptors
 * (or fewer than it sends) are free ({@code tx_free_thresh}).
 *
 * <p><b>Each receive slot keeps its mbuf.</b> A receive descriptor the port writes again is a line
 * the device's core must fetch again. So a refill gives each chain id the mbuf it carried last,
 * when the application has freed it (an index per id, {@link DriverQueue#nextId()}); the
 * descriptor then holds the same bytes, which the ring does not store again. To find the
 * application's frees, the refill runs at the start of a burst, before the used buffers are taken;
 * the end of a burst refills only once {@link #RX_REFILL_LATE} slots are free, so at least {@code
 * QUEUE_SIZE - RX_REFILL_LATE + 1} receive buffers are posted at any time after a burst.
 */
final class VirtioPmdPort implements PmdPort {
  /** Queue size asked for (or the device's maximum if smaller). */
  static final int QUEUE_SIZE = 256;
  /** Free receive slots that make a refill (DPDK's {@code rx_free_thresh} default). */
  static final int RX_FREE_THRESH = 32;
  /**
   * Free receive slots that make a refill at the end of a burst: twice {@link #RX_FREE_THRESH}, so
   * that a port polled in bursts of up to {@code RX_FREE_THRESH} refills at the start of the next
   * burst, with the mbufs the application freed meanwhile.
   */
  static final int RX_REFILL_LATE = 2 * RX_FREE_THRESH;
  /** Free transmit descriptors below which a burst reclaims first (DPDK's {@code tx_free_thresh} default). */
  static final int TX_FREE_THRESH = 32;
  private static final int RX = 0;
  private static final int TX = 1;

  private final String device;
  private final String owner;
  private final IommuContainer container;
  private final boolean ownContainer;
  private final Runnable onClose;
  private final PacketMemory mem;
  private final DriverQueue rx;
  private final DriverQueue tx;
  /**
   * The mbuf (its index in the packet memory) each chain id in flight carries, or carried last
   * (receive, -1 before the first). Indices, not
   * references: storing a reference runs the GC's write barrier, whose fence waits until every
   * earlier store (the frame, the ring entries, lines the device's core reads) has left the core,
   * once per frame on the polling thread.
   */
  private final int[] rxById;
  private final int[] txById;
  /** Transmit ids the last reclaim burst took back. */
  private final int[] reclaimed;
  private DeviceHandle handle;
  private volatile State state = State.RUNNING;
  private volatile boolean releaseRequested;
  /** Set once the handle and memory are let go. */
  private boolean released;
  // counters: written by the polling thread only
  private long rxPackets;
  private long rxBytes;
  private long txPackets;
  private long txBytes;
  private long txFull;
  private long rxNoMbuf;

  /** Opens the device, maps the memory and brings the device up; undoes everything on failure. */
  VirtioPmdPort(IommuGroup group, IommuContainer container, boolean ownContainer, String device, String owner,
      Runnable onClose) {
    this.device = device;
    this.owner = owner;
    this.container = container;
    this.ownContainer = ownContainer;
    this.onClose = onClose;
    long features = 1L << VirtioNet.F_VERSION_1;
    this.mem = new PacketMemory(QUEUE_SIZE, 3 * QUEUE_SIZE, features);
    this.rx = mem.rx.queue();
    this.tx = mem.tx.queue();
    this.rxById = new int[QUEUE_SIZE];
    this.txById = new int[QUEUE_SIZE];
    this.reclaimed = new int[QUEUE_SIZE];
    Arrays.fill(rxById, -1);
    boolean mapped = false;
    try {
      handle = group.openDevice(device, owner, (d, why, grace) -> releaseRequested = true);
      if (handle.virtioDeviceId() != VdpaDevice.ID_NET) {
        throw new IllegalArgumentException("device " + device + " is not a network device (virtio id "
            + handle.virtioDeviceId() + ")");
      }
      container.dmaMap(PacketMemory.BASE, mem.forMapping(), DmaPerm.READ_WRITE);
      mapped = true;
      long offered = PciBringUp.start(handle);
      if ((offered & features) != features) {
        throw new IllegalStateException("device " + device + " does not offer VIRTIO_F_VERSION_1");
      }
      PciBringUp.negotiate(handle, features);
      for (int q : new int[] {RX, TX}) {
        int max = PciBringUp.maxSize(handle, q);
        if (max < QUEUE_SIZE) {
          throw new IllegalStateException("device " + device + " queue " + q + " takes at most " + max
              + " entries, the port needs " + QUEUE_SIZE);
        }
      }
      PciBringUp.queue(handle, RX, mem.rx.config());
      PciBringUp.queue(handle, TX, mem.tx.config());
      rx.disableInterrupts();
      tx.disableInterrupts();
      PciBringUp.driverOk(handle);
      refill();
    } catch (RuntimeException e) {
      if (handle != null) {
        handle.close();
      }
      if (mapped && !container.revoked()) {
        container.dmaUnmap(PacketMemory.BASE, mem.memory.size());
      }
      if (ownContainer) {
        container.close();
      }
      throw e;
    }
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public State state() {
    if (state == State.RUNNING && handle.revoked()) {
      return State.REVOKED;
    }
    return state;
  }

  @Override
  public int rxBurst(Mbuf[] pkts, int max) {
    if (!running()) {
      return 0;
    }
    final DriverQueue q = rx;
    if (q.freeDescriptors() >= RX_FREE_THRESH) {
      refill();
    }
    int n = 0;
    while (n < max) {
      long used = q.pollUsed();
      if (used == DriverQueue.EMPTY) {
        break;
      }
      int id = DriverQueue.usedId(used);
      SlotMbuf m = mem.mbuf(rxById[id]);
      int len = DriverQueue.usedLength(used) - PacketMemory.HDR;
      m.length = len;
      rxBytes += len;
      pkts[n++] = m;
    }
    if (n > 0) {
      rxPackets += n;
      if (q.freeDescriptors() >= RX_REFILL_LATE) {
        refill();
      }
    }
    return n;
  }

  @Override
  public int txBurst(Mbuf[] pkts, int count) {
    if (!running()) {
      return 0;
    }
    final DriverQueue q = tx;
    if (q.freeDescriptors() < Math.max(count, TX_FREE_THRESH)) {
      reclaim(q);
    }
    int i = 0;
    for (; i < count; i++) {
      SlotMbuf m = (SlotMbuf) pkts[i];
      mem.clearHeader(m);
      int id = q.add(m.iova, PacketMemory.HDR + m.length, false);
      if (id == DriverQueue.FULL) {
        txFull++;
        break;
      }
      txById[id] = m.index;
      txBytes += m.length;
    }
    if (i > 0) {
      txPackets += i;
      q.publish();
      if (q.needsKick()) {
        doorbell(TX);
      }
    }
    return i;
  }

  private void reclaim(DriverQueue q) {
    final int[] ids = reclaimed;
    for (int k; (k = q.pollUsed(ids, null, ids.length)) > 0; ) {
      for (int i = 0; i < k; i++) {
        SlotMbuf m = mem.mbuf(txById[ids[i]]);
        m.deviceWrote = false; // the device only read it; the application wrote it last
        mem.put(m);
      }
    }
  }

  /** Posts a free mbuf in every free receive slot. */
  private void refill() {
    final DriverQueue q = rx;
    int added = 0;
    while (q.freeDescriptors() > 0) {
      int next = q.nextId();
      SlotMbuf m = mem.takeForDevice(next >= 0 ? rxById[next] : -1);
      if (m == null) {
        rxNoMbuf++;
        break;
      }
      int id = q.add(m.iova, PacketMemory.BUFFER, true);
      rxById[id] = m.index;
      added++;
    }
    if (added > 0) {
      q.publish();
      if (q.needsKick()) {
        doorbell(RX);
      }
    }
  }

  private void doorbell(int queue) {
    try {
      handle.write(Region.NOTIFY, queue * CommonCfg.NOTIFY_OFF_MULTIPLIER, 2, queue);
    } catch (VfioException e) {
      // revoked or closed under us: the next burst lets go
      releaseRequested = true;
    }
  }

  /** Whether bursts may run; acts on a release request (closes the port) on the polling thread. */
  private boolean running() {
    if (state != State.RUNNING) {
      return false;
    }
    if (releaseRequested || handle.revoked()) {
      if (handle.revoked()) {
        state = State.REVOKED;
        release();
      } else {
        close();
      }
      return false;
    }
    return true;
  }

  /** Receive buffers posted to the device now (for tests; polling thread). */
  int rxPosted() {
    return rx.size() - rx.freeDescriptors();
  }

  /** The mbuf index receive chain {@code id} carries or carried last, -1 if none yet (for tests; polling thread). */
  int rxMbufOf(int id) {
    return rxById[id];
  }

  /** Transmit buffers in the ring, used or not, not yet reclaimed (for tests; polling thread). */
  int txInRing() {
    return tx.size() - tx.freeDescriptors();
  }

  @Override
  public Mbuf alloc() {
    return mem.takeForApp();
  }

  @Override
  public void free(Mbuf m) {
    if (!mem.owns(m)) {
      throw new IllegalArgumentException("mbuf " + m + " is not one of port " + device + "'s");
    }
    mem.put((SlotMbuf) m);
  }

  @Override
  public PmdStats stats() {
    return new PmdStats(rxPackets, rxBytes, txPackets, txBytes, txFull, rxNoMbuf);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      if (state == State.RUNNING) {
        state = State.CLOSED;
      }
    }
    release();
  }

  /** Lets go of the handle and the memory; the device is reset by the handle. */
  private void release() {
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
    }
    handle.close();
    if (!container.revoked()) {
      try {
        container.dmaUnmap(PacketMemory.BASE, mem.memory.size());
      } catch (VfioException revokedMeanwhile) {
        // the driver dropped the mappings itself
      }
    }
    if (ownContainer) {
      container.close(); // also when revoked: the driver forgets it
    }
    onClose.run();
  }
}
