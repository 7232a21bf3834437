package net.vdpa.device.core;

import static net.vdpa.api.VirtioStatus.ACKNOWLEDGE;
import static net.vdpa.api.VirtioStatus.DEVICE_NEEDS_RESET;
import static net.vdpa.api.VirtioStatus.DRIVER;
import static net.vdpa.api.VirtioStatus.DRIVER_OK;
import static net.vdpa.api.VirtioStatus.FAILED;
import static net.vdpa.api.VirtioStatus.FEATURES_OK;

import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.api.VirtioStatus;
import java.util.function.LongFunction;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The virtio status byte and feature negotiation (virtio 1.2 §2.1, §3.1.1) as a checked state
 * machine: the driver sets ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK in that order, never clears
 * a bit except by writing 0, and accepts only offered features, VERSION_1 among them.
 *
 * <p>Driver writes come from one thread at a time (the device's lock); the device itself may raise
 * DEVICE_NEEDS_RESET from a worker at any time, so the byte is atomic. A device kind adds its own
 * rules on feature combinations through a {@link FeatureCheck}.
 */
@ProviderType
public final class StatusMachine {
  private static final int DRIVER_BITS = ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | FAILED;
  private static final long VERSION_1 = 1L << 32;

  private final String device;
  private final long offered;
  private final FeatureCheck check;
  private final LongFunction<String> names;
  private final AtomicInteger status = new AtomicInteger();
  /** The driver's features; written by the driver before FEATURES_OK, read after. */
  private volatile long driverFeatures;

  /**
   * A machine in the reset state.
   *
   * @param device the device name, for messages
   * @param offered the features the device offers
   * @param check the device kind's rules on combinations
   * @param names names feature bits for messages (such as {@code MQ CTRL_VQ})
   */
  public StatusMachine(String device, long offered, FeatureCheck check, LongFunction<String> names) {
    this.device = device;
    this.offered = offered;
    this.check = check;
    this.names = names;
  }

  /**
   * The status byte.
   *
   * @return the status
   */
  public int status() {
    return status.get();
  }

  /**
   * Whether a bit is set.
   *
   * @param bit a status bit
   * @return true if set
   */
  public boolean has(int bit) {
    return (status.get() & bit) != 0;
  }

  /**
   * The negotiated features.
   *
   * @return the driver's features
   */
  public long driverFeatures() {
    return driverFeatures;
  }

  /**
   * Records the driver's features.
   *
   * @param features a subset of the offered features
   * @throws IllegalStateException if FEATURES_OK is already set
   * @throws IllegalArgumentException naming the bits not offered
   */
  public void setDriverFeatures(long features) {
    if (has(FEATURES_OK)) {
      throw new IllegalStateException("device " + device + ": driver features 0x" + Long.toHexString(features)
          + " written after FEATURES_OK (status " + VirtioStatus.format(status()) + "); features are fixed until reset");
    }
    long extra = features & ~offered;
    if (extra != 0) {
      throw new IllegalArgumentException("device " + device + ": driver features 0x" + Long.toHexString(features)
          + " include bits not offered: " + names.apply(extra) + " (offered 0x" + Long.toHexString(offered) + ")");
    }
    driverFeatures = features;
  }

  /**
   * Checks a status write and tells whether it sets DRIVER_OK. Does not apply it: call
   * {@link #apply} once the device has done what the new bit needs.
   *
   * @param next the byte the driver writes (not 0: that is a reset)
   * @return true if the write newly sets DRIVER_OK
   * @throws IllegalArgumentException for unknown bits or DEVICE_NEEDS_RESET written by the driver
   * @throws IllegalStateException for a cleared bit, a bit out of order, or FEATURES_OK with
   *     features the device cannot accept
   */
  public boolean check(int next) {
    int cur = status.get();
    if ((next & ~(DRIVER_BITS | DEVICE_NEEDS_RESET)) != 0) {
      throw new IllegalArgumentException("device " + device + ": status 0x" + Integer.toHexString(next)
          + " has unknown bits 0x" + Integer.toHexString(next & ~(DRIVER_BITS | DEVICE_NEEDS_RESET)));
    }
    if ((next & DEVICE_NEEDS_RESET) != 0 && (cur & DEVICE_NEEDS_RESET) == 0) {
      throw new IllegalArgumentException("device " + device + ": status " + VirtioStatus.format(next)
          + " sets DEVICE_NEEDS_RESET, which only the device sets");
    }
    int cleared = cur & DRIVER_BITS & ~next;
    if (cleared != 0) {
      throw new IllegalStateException("device " + device + ": status " + VirtioStatus.format(next) + " would clear "
          + VirtioStatus.format(cleared) + " of " + VirtioStatus.format(cur) + "; only a reset (writing 0) clears bits");
    }
    int added = next & ~cur & DRIVER_BITS;
    requireBefore(next, added, DRIVER, ACKNOWLEDGE);
    requireBefore(next, added, FEATURES_OK, DRIVER);
    requireBefore(next, added, DRIVER_OK, FEATURES_OK);
    if ((added & FEATURES_OK) != 0) {
      checkFeatures(driverFeatures);
    }
    return (added & DRIVER_OK) != 0;
  }

  private void requireBefore(int next, int added, int bit, int needed) {
    if ((added & bit) != 0 && (next & needed) == 0) {
      throw new IllegalStateException("device " + device + ": status " + VirtioStatus.format(next) + " sets "
          + VirtioStatus.format(bit) + " before " + VirtioStatus.format(needed) + " (status now "
          + VirtioStatus.format(status()) + ")");
    }
  }

  private void checkFeatures(long f) {
    if ((f & VERSION_1) == 0) {
      throw new IllegalStateException("device " + device + ": FEATURES_OK with driver features 0x"
          + Long.toHexString(f) + " without VERSION_1 (bit 32); this device speaks virtio 1.x only");
    }
    String refused = check.refuse(f);
    if (refused != null) {
      throw new IllegalStateException("device " + device + ": FEATURES_OK with driver features 0x"
          + Long.toHexString(f) + ": " + refused);
    }
  }

  /**
   * Applies a checked write, keeping DEVICE_NEEDS_RESET if the device had set it.
   *
   * @param next the byte the driver wrote
   */
  public void apply(int next) {
    status.getAndUpdate(cur -> (cur & DEVICE_NEEDS_RESET) | next);
  }

  /** Sets DEVICE_NEEDS_RESET (any thread). */
  public void needsReset() {
    status.getAndUpdate(cur -> cur | DEVICE_NEEDS_RESET);
  }

  /** Back to status 0 and no features (reset). */
  public void reset() {
    driverFeatures = 0;
    status.set(0);
  }
}
