package net.vdpa.driver.passthrough;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.IrqHandler;
import net.vdpa.api.passthrough.Region;
import net.vdpa.api.passthrough.ReleaseRequest;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;

/**
 * An open passthrough device: region accesses become device operations ({@link CommonRegs} for the
 * common configuration), device callbacks become interrupts ({@link Vectors}). Control-path calls
 * hold {@link #lock}; a doorbell write takes no lock and allocates nothing.
 */
final class Handle implements DeviceHandle, CommonRegs.Wiring {
  private final VdpaDevice device;
  private final String owner;
  private final Group group;
  private final ReleaseRequest onRelease;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final CommonRegs regs;
  private final Vectors vectors;
  private final AtomicInteger isr = new AtomicInteger();
  private final AtomicLong badAccesses = new AtomicLong();
  private final AtomicLong refusedWrites = new AtomicLong();
  private final CountDownLatch released = new CountDownLatch(1);
  private final ByteBuffer cfgScratch = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private final int vqCount;
  /** Why the handle was revoked, or null; written under {@link #lock}, read by the doorbell. */
  private volatile String revoked;
  /** Written under {@link #lock}. */
  private volatile boolean closed;
  /** A copy of msix_config the config callback reads without the lock. */
  private volatile int configVector = CommonCfg.NO_VECTOR;

  Handle(VdpaDevice device, String owner, Group group, ReleaseRequest onRelease) {
    this.device = device;
    this.owner = owner;
    this.group = group;
    this.onRelease = onRelease;
    this.vqCount = device.vqCount();
    this.vectors = new Vectors(vqCount + 1);
    this.regs = new CommonRegs(device, vectors.count(), this);
    device.setConfigCallback(this::configChanged);
  }

  @Override
  public String device() {
    return device.name();
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public int virtioDeviceId() {
    live();
    return device.deviceId();
  }

  @Override
  public int group() {
    return group.id();
  }

  @Override
  public int regionSize(Region region) {
    live();
    return switch (region) {
      case COMMON_CFG -> CommonCfg.SIZE;
      case NOTIFY -> vqCount * CommonCfg.NOTIFY_OFF_MULTIPLIER;
      case ISR -> 1;
      case DEVICE_CFG -> device.configSize();
    };
  }

  @Override
  public long read(Region region, int offset, int width) {
    synchronized (lock) {
      live();
      switch (region) {
        case COMMON_CFG:
          if (CommonCfg.widthAt(offset) == width) {
            return regs.read(offset);
          }
          break;
        case ISR:
          if (offset == 0 && width == 1) {
            return isr.getAndSet(0);
          }
          break;
        case DEVICE_CFG:
          if (cfgAccessOk(offset, width)) {
            cfgScratch.clear().limit(width);
            device.getConfig(offset, cfgScratch);
            return width == 1 ? cfgScratch.get(0) & 0xFF
                : width == 2 ? cfgScratch.getShort(0) & 0xFFFF : cfgScratch.getInt(0) & 0xFFFF_FFFFL;
          }
          break;
        default:
          break; // the notify area is write-only
      }
      badAccesses.incrementAndGet();
      return width >= 1 && width < 8 ? (1L << (8 * width)) - 1 : -1L;
    }
  }

  @Override
  public void write(Region region, int offset, int width, long value) {
    if (region == Region.NOTIFY) {
      doorbell(offset, width);
      return;
    }
    synchronized (lock) {
      live();
      try {
        if (region == Region.COMMON_CFG && CommonCfg.widthAt(offset) == width) {
          regs.write(offset, value);
          configVector = regs.msixConfig();
          return;
        }
        if (region == Region.DEVICE_CFG && cfgAccessOk(offset, width)) {
          writeConfig(offset, width, value);
          return;
        }
      } catch (VfioException e) {
        refusedWrites.incrementAndGet();
        throw e;
      }
      badAccesses.incrementAndGet();
    }
  }

  /** The hot path: a queue's doorbell becomes {@code kickVq}; no lock, no allocation. */
  private void doorbell(int offset, int width) {
    if (revoked != null || closed) {
      live();
    }
    int queue = offset / CommonCfg.NOTIFY_OFF_MULTIPLIER;
    if (offset >= 0 && offset % CommonCfg.NOTIFY_OFF_MULTIPLIER == 0 && (width == 2 || width == 4) && queue < vqCount) {
      device.kickVq(queue);
    } else {
      badAccesses.incrementAndGet();
    }
  }

  private void writeConfig(int offset, int width, long value) {
    cfgScratch.clear().limit(width);
    for (int i = 0; i < width; i++) {
      cfgScratch.put(i, (byte) (value >>> (8 * i)));
    }
    try {
      device.setConfig(offset, cfgScratch);
    } catch (UnsupportedOperationException e) {
      throw new VfioException(VfioError.REGISTER_REFUSED, "device config of " + device.name() + " is read-only (write at "
          + offset + ")");
    }
  }

  private boolean cfgAccessOk(int offset, int width) {
    return (width == 1 || width == 2 || width == 4) && offset >= 0 && offset % width == 0
        && offset + width <= device.configSize();
  }

  @Override
  public int irqCount() {
    live();
    return vectors.count();
  }

  @Override
  public void setIrq(int vector, IrqHandler handler) {
    live();
    vectors.set(vector, handler);
  }

  @Override
  public void maskIrq(int vector, boolean masked) {
    live();
    vectors.mask(vector, masked);
  }

  /** Whether a masked vector fired (tests and listings). */
  boolean irqPending(int vector) {
    return vectors.pending(vector);
  }

  @Override
  public void reset() {
    synchronized (lock) {
      live();
      regs.write(CommonCfg.DEVICE_STATUS, 0);
    }
  }

  @Override
  public long badAccesses() {
    return badAccesses.get();
  }

  @Override
  public long refusedWrites() {
    return refusedWrites.get();
  }

  @Override
  public boolean revoked() {
    return revoked != null;
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (revoked == null) {
        quiesce();
      }
    }
    group.closed(this);
    released.countDown();
  }

  // ---------------------------------------------------------------- wiring and revocation

  @Override
  public void queueEnabled(int queue) {
    final int v = regs.queueVector(queue);
    device.setVqCallback(queue, q -> {
      isr.getAndUpdate(x -> x | CommonCfg.ISR_QUEUE);
      if (v != CommonCfg.NO_VECTOR) {
        vectors.fire(v);
      }
    });
  }

  @Override
  public void resetDone() {
    group.remap(device);
    configVector = CommonCfg.NO_VECTOR;
    for (int q = 0; q < vqCount; q++) {
      device.setVqCallback(q, null);
    }
  }

  private void configChanged() {
    isr.getAndUpdate(x -> x | CommonCfg.ISR_CONFIG);
    int v = configVector;
    if (v != CommonCfg.NO_VECTOR) {
      vectors.fire(v);
    }
  }

  /**
   * Asks the owner to close, then waits at most {@code graceMillis} for it. Never holds a lock.
   *
   * @return true if the owner closed in time
   */
  boolean requestRelease(String why, long graceMillis) throws InterruptedException {
    try {
      onRelease.releaseRequested(device.name(), why, graceMillis);
    } catch (RuntimeException e) {
      // the owner's callback failed: the grace period still applies, then the handle is revoked
    }
    return released.await(graceMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Revokes the handle: every later call fails; the device is reset and its callbacks dropped.
   *
   * @return true if this call revoked it (false if it was closed or revoked before)
   */
  boolean revoke(String why) {
    synchronized (lock) {
      if (closed || revoked != null) {
        return false;
      }
      revoked = why;
      quiesce();
    }
    group.closed(this);
    released.countDown();
    return true;
  }

  /** Resets the device and disconnects it from the user. Holds {@link #lock}. */
  private void quiesce() {
    device.setConfigCallback(null);
    regs.write(CommonCfg.DEVICE_STATUS, 0);
    vectors.clear();
  }

  private void live() {
    if (revoked != null) {
      throw revokedError();
    }
    if (closed) {
      throw new VfioException(VfioError.INVALID, "handle of device " + device.name() + " is closed");
    }
  }

  private VfioException revokedError() {
    return new VfioException(VfioError.REVOKED, "handle of device " + device.name() + " was revoked: " + revoked);
  }
}
