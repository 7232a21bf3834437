package net.vdpa.device.core;

import java.util.function.IntFunction;
import java.util.function.LongPredicate;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqState;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.RingIndex;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedQueueState;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitQueueState;

/**
 * A device's virtqueue slots and the rules of setting them up: bounds of the index and size, set-up
 * only before DRIVER_OK (the caller checks), saved states checked against the ring layout, live
 * rings built from the set-up at DRIVER_OK. Guarded by the device's lock.
 *
 * @param <C> the device kind's counters
 */
final class Virtqueues<C extends QueueCounters> {
  /** How a running queue's state accounts for chains its worker holds: index, packed -> count. */
  interface HeldBack {
    int count(int index, boolean packed);
  }

  private final String device;
  private final int vqNumMax;
  private final VqSlot<C>[] slots;

  @SuppressWarnings("unchecked")
  Virtqueues(String device, int count, int vqNumMax, IntFunction<C> counters) {
    this.device = device;
    this.vqNumMax = vqNumMax;
    this.slots = new VqSlot[count];
    for (int i = 0; i < count; i++) {
      slots[i] = new VqSlot<>(i, counters.apply(i));
    }
  }

  int count() {
    return slots.length;
  }

  VqSlot<C> slot(int idx) {
    if (idx < 0 || idx >= slots.length) {
      throw new IllegalArgumentException("device " + device + ": vq " + idx + " does not exist (vq count "
          + slots.length + ")");
    }
    return slots[idx];
  }

  VqSlot<C> live(int idx) {
    return idx >= 0 && idx < slots.length && slots[idx].queue != null ? slots[idx] : null;
  }

  void setAddress(int idx, long descArea, long driverArea, long deviceArea) {
    VqSlot<C> slot = slot(idx);
    if (slot.ready) {
      throw new IllegalStateException("device " + device + ": set_vq_address of vq " + idx
          + " while it is ready; disable it first");
    }
    slot.descArea = descArea;
    slot.driverArea = driverArea;
    slot.deviceArea = deviceArea;
  }

  void setNum(int idx, int num, boolean split) {
    VqSlot<C> slot = slot(idx);
    if (num < 1 || num > vqNumMax || (split && Integer.bitCount(num) != 1)) {
      throw new IllegalArgumentException("device " + device + ": vq " + idx + " size " + num + " is not "
          + (split ? "a power of two " : "") + "in 1.." + vqNumMax);
    }
    slot.num = num;
  }

  void setReadAhead(int idx, int chains) {
    VqSlot<C> slot = slot(idx);
    if (chains < 0 || chains > VdpaDevice.MAX_VQ_READ_AHEAD) {
      throw new IllegalArgumentException("device " + device + ": vq " + idx + " read-ahead of " + chains
          + " chains is outside 0.." + VdpaDevice.MAX_VQ_READ_AHEAD);
    }
    slot.readAhead = chains;
  }

  VqState state(int idx, HeldBack held) {
    VqSlot<C> slot = slot(idx);
    DeviceQueue q = slot.queue;
    if (q == null) {
      return slot.state != null ? slot.state : new VqState(0, true, 0, true);
    }
    if (q instanceof SplitDevice sd) {
      SplitQueueState s = sd.state();
      return new VqState(RingIndex.add(s.lastAvailIdx(), -held.count(idx, false)), true, s.lastUsedIdx(), true);
    }
    PackedQueueState s = ((PackedDevice) q).state();
    int avail = s.lastAvailIdx() - held.count(idx, true);
    boolean wrap = s.availWrap();
    if (avail < 0) {
      avail += slot.num;
      wrap = !wrap;
    }
    return new VqState(avail, wrap, s.lastUsedIdx(), s.usedWrap());
  }

  void setState(int idx, VqState state, boolean packed) {
    VqSlot<C> slot = slot(idx);
    int size = slot.num > 0 ? slot.num : QueueConfig.MAX_SIZE;
    try {
      if (packed) {
        packedState(state).validate(size);
      } else {
        splitState(state).validate(size);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("device " + device + ": vq " + idx + " state " + state + " refused: "
          + e.getMessage(), e);
    }
    slot.state = state;
  }

  /**
   * Builds the live rings of the ready queues the kind serves; on a refusal none is left live.
   *
   * @throws IllegalArgumentException naming the queue whose set-up the ring refused
   */
  void buildLive(long features, boolean packed, LongPredicate serves, Iotlb iotlb) {
    try {
      for (VqSlot<C> slot : slots) {
        if (slot.ready && serves.test(slot.index())) {
          slot.queue = liveQueue(slot, features, packed, iotlb);
        }
      }
    } catch (IllegalArgumentException e) {
      for (VqSlot<C> slot : slots) {
        slot.queue = null;
      }
      throw e;
    }
  }

  private static DeviceQueue liveQueue(VqSlot<?> slot, long f, boolean packed, Iotlb iotlb) {
    if (slot.num == 0) {
      throw new IllegalArgumentException("vq " + slot.index() + " is ready but its size was never set");
    }
    QueueConfig qc = new QueueConfig(slot.num, slot.descArea, slot.driverArea, slot.deviceArea, f);
    try {
      VqState s = slot.state;
      DeviceQueue q;
      if (packed) {
        q = s == null ? new PackedDevice(qc, iotlb) : PackedDevice.restore(qc, iotlb, packedState(s));
      } else {
        q = s == null ? new SplitDevice(qc, iotlb) : SplitDevice.restore(qc, iotlb, splitState(s));
      }
      q.readAhead(slot.readAhead);
      return q;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vq " + slot.index() + ": " + e.getMessage(), e);
    }
  }

  void resetAll() {
    for (VqSlot<C> slot : slots) {
      slot.reset();
    }
  }

  private static SplitQueueState splitState(VqState s) {
    return new SplitQueueState(s.lastAvailIdx(), s.lastUsedIdx());
  }

  private static PackedQueueState packedState(VqState s) {
    return new PackedQueueState(s.lastAvailIdx(), s.lastAvailWrap(), s.lastUsedIdx(), s.lastUsedWrap());
  }
}
