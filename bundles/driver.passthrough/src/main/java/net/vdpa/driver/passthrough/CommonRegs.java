package net.vdpa.driver.passthrough;

import static net.vdpa.api.passthrough.CommonCfg.*;

import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;

/**
 * The common configuration registers of one device handle ({@code struct virtio_pci_common_cfg})
 * turned into {@link VdpaDevice} operations: feature words into {@code setDriverFeatures} at
 * FEATURES_OK, status writes into {@code setStatus} or {@code reset}, queue registers into {@code
 * setVqNum}, {@code setVqAddress} and {@code setVqReady} when the queue is enabled. A write the
 * device refuses throws {@link VfioException} ({@link VfioError#REGISTER_REFUSED}) and changes
 * nothing. Callers hold the handle's lock and have checked offset and width.
 */
final class CommonRegs {
  /** What the registers need from the handle: where queue interrupts go. */
  interface Wiring {
    /** Connects a queue's device callback to its vector (at enable). */
    void queueEnabled(int queue);

    /** Forgets everything after a device reset. */
    void resetDone();
  }

  private final VdpaDevice device;
  private final int irqCount;
  private final Wiring wiring;
  private final QueueRegs[] queues;
  private int deviceFeatureSelect;
  private int guestFeatureSelect;
  private long guestFeatures;
  private int msixConfig = NO_VECTOR;
  private int queueSelect;

  CommonRegs(VdpaDevice device, int irqCount, Wiring wiring) {
    this.device = device;
    this.irqCount = irqCount;
    this.wiring = wiring;
    this.queues = new QueueRegs[device.vqCount()];
    clearQueues();
  }

  private void clearQueues() {
    for (int i = 0; i < queues.length; i++) {
      queues[i] = new QueueRegs(device.vqNumMax());
    }
  }

  int msixConfig() {
    return msixConfig;
  }

  int queueVector(int q) {
    return queues[q].vector;
  }

  long read(int offset) {
    QueueRegs q = selected();
    return switch (offset) {
      case DEVICE_FEATURE_SELECT -> deviceFeatureSelect;
      case DEVICE_FEATURE -> word(device.deviceFeatures(), deviceFeatureSelect);
      case GUEST_FEATURE_SELECT -> guestFeatureSelect;
      case GUEST_FEATURE -> word(guestFeatures, guestFeatureSelect);
      case MSIX_CONFIG -> msixConfig;
      case NUM_QUEUES -> queues.length;
      case DEVICE_STATUS -> device.status() & 0xFF;
      case CONFIG_GENERATION -> device.generation() & 0xFF;
      case QUEUE_SELECT -> queueSelect;
      case QUEUE_SIZE -> q == null ? 0 : q.size;
      case QUEUE_MSIX_VECTOR -> q == null ? NO_VECTOR : q.vector;
      case QUEUE_ENABLE -> q != null && q.enabled ? 1 : 0;
      case QUEUE_NOTIFY_OFF -> q == null ? 0 : queueSelect;
      case QUEUE_DESC_LO -> q == null ? 0 : q.desc & 0xFFFF_FFFFL;
      case QUEUE_DESC_HI -> q == null ? 0 : q.desc >>> 32;
      case QUEUE_AVAIL_LO -> q == null ? 0 : q.avail & 0xFFFF_FFFFL;
      case QUEUE_AVAIL_HI -> q == null ? 0 : q.avail >>> 32;
      case QUEUE_USED_LO -> q == null ? 0 : q.used & 0xFFFF_FFFFL;
      case QUEUE_USED_HI -> q == null ? 0 : q.used >>> 32;
      default -> throw new IllegalArgumentException("no common cfg field at " + offset);
    };
  }

  void write(int offset, long value) {
    switch (offset) {
      case DEVICE_FEATURE_SELECT -> deviceFeatureSelect = (int) value;
      case GUEST_FEATURE_SELECT -> guestFeatureSelect = (int) value;
      case GUEST_FEATURE -> writeGuestFeature(value);
      case MSIX_CONFIG -> msixConfig = vector("msix_config", value);
      case DEVICE_STATUS -> writeStatus((int) value);
      case QUEUE_SELECT -> queueSelect = (int) value;
      case QUEUE_SIZE -> writeQueueSize((int) value);
      case QUEUE_MSIX_VECTOR -> settable("queue_msix_vector").vector = vector("queue_msix_vector", value);
      case QUEUE_ENABLE -> writeQueueEnable((int) value);
      case QUEUE_DESC_LO, QUEUE_DESC_HI, QUEUE_AVAIL_LO, QUEUE_AVAIL_HI, QUEUE_USED_LO, QUEUE_USED_HI ->
          writeAddress(offset, value);
      default -> throw refused("common cfg field at offset " + offset + " is read-only");
    }
  }

  private void writeGuestFeature(long value) {
    if ((device.status() & VirtioStatus.FEATURES_OK) != 0) {
      throw refused("guest_feature written after FEATURES_OK");
    }
    if (guestFeatureSelect == 0) {
      guestFeatures = QueueRegs.setLo(guestFeatures, value);
    } else if (guestFeatureSelect == 1) {
      guestFeatures = QueueRegs.setHi(guestFeatures, value);
    } else {
      throw refused("guest_feature_select " + guestFeatureSelect + " is not 0 or 1");
    }
  }

  private void writeStatus(int status) {
    if (status == 0) {
      device.reset();
      guestFeatures = 0;
      msixConfig = NO_VECTOR;
      queueSelect = 0;
      clearQueues();
      wiring.resetDone();
      return;
    }
    int cur = device.status();
    try {
      if ((status & VirtioStatus.FEATURES_OK) != 0 && (cur & VirtioStatus.FEATURES_OK) == 0) {
        device.setDriverFeatures(guestFeatures);
      }
      device.setStatus(status);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw refused("device_status 0x" + Integer.toHexString(status) + " refused: " + e.getMessage());
    }
  }

  private void writeQueueSize(int size) {
    QueueRegs q = settable("queue_size");
    if (size < device.vqNumMin() || size > device.vqNumMax() || Integer.bitCount(size) != 1) {
      throw refused("queue_size " + size + " for queue " + queueSelect + " is not a power of two between "
          + device.vqNumMin() + " and " + device.vqNumMax());
    }
    q.size = size;
  }

  private void writeAddress(int offset, long value) {
    QueueRegs q = settable("queue address");
    switch (offset) {
      case QUEUE_DESC_LO -> q.desc = QueueRegs.setLo(q.desc, value);
      case QUEUE_DESC_HI -> q.desc = QueueRegs.setHi(q.desc, value);
      case QUEUE_AVAIL_LO -> q.avail = QueueRegs.setLo(q.avail, value);
      case QUEUE_AVAIL_HI -> q.avail = QueueRegs.setHi(q.avail, value);
      case QUEUE_USED_LO -> q.used = QueueRegs.setLo(q.used, value);
      default -> q.used = QueueRegs.setHi(q.used, value);
    }
    q.written |= offset < QUEUE_AVAIL_LO ? 1 : offset < QUEUE_USED_LO ? 2 : 4;
  }

  private void writeQueueEnable(int value) {
    QueueRegs q = settable("queue_enable");
    if (value != 1) {
      throw refused("queue_enable " + value + " for queue " + queueSelect + ": only 1 may be written (reset disables)");
    }
    if (q.written != 7) {
      throw refused("queue " + queueSelect + " enabled before its addresses (desc, avail and used must be written)");
    }
    try {
      device.setVqNum(queueSelect, q.size);
      device.setVqAddress(queueSelect, q.desc, q.avail, q.used);
      wiring.queueEnabled(queueSelect);
      device.setVqReady(queueSelect, true);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw refused("queue " + queueSelect + " enable refused: " + e.getMessage());
    }
    q.enabled = true;
  }

  /** The selected queue, if it may still be set up. */
  private QueueRegs settable(String field) {
    QueueRegs q = selected();
    if (q == null) {
      throw refused(field + " written for queue " + queueSelect + ", the device has " + queues.length);
    }
    if (q.enabled) {
      throw refused(field + " written for queue " + queueSelect + ", which is enabled");
    }
    return q;
  }

  private QueueRegs selected() {
    return queueSelect >= 0 && queueSelect < queues.length ? queues[queueSelect] : null;
  }

  private int vector(String field, long value) {
    int v = (int) value;
    if (v != NO_VECTOR && (v < 0 || v >= irqCount)) {
      throw refused(field + " " + v + " is not a vector below " + irqCount + " or NO_VECTOR");
    }
    return v;
  }

  private static long word(long features, int select) {
    return select == 0 ? features & 0xFFFF_FFFFL : select == 1 ? features >>> 32 : 0;
  }

  private static VfioException refused(String message) {
    return new VfioException(VfioError.REGISTER_REFUSED, message);
  }
}
