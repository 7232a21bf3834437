package net.vdpa.api;

import java.util.StringJoiner;

/**
 * The bits of the virtio device status byte (virtio 1.x section 2.1) and a formatter for them.
 *
 * <p>The status byte is written by the driver in the order ACKNOWLEDGE, DRIVER, FEATURES_OK,
 * DRIVER_OK; only a reset (writing 0) clears bits. The device sets DEVICE_NEEDS_RESET when it meets
 * an error it cannot recover from, such as a broken ring.
 */
public final class VirtioStatus {
  /** The driver has noticed the device. */
  public static final int ACKNOWLEDGE = 1;
  /** The driver knows how to drive the device. */
  public static final int DRIVER = 2;
  /** The driver is set up and the device may consume its queues. */
  public static final int DRIVER_OK = 4;
  /** Feature negotiation is complete. */
  public static final int FEATURES_OK = 8;
  /** The device has hit an error and must be reset. */
  public static final int DEVICE_NEEDS_RESET = 64;
  /** The driver has given up on the device. */
  public static final int FAILED = 128;

  private VirtioStatus() {}

  /**
   * Formats a status byte as its bit names, for messages and shell output.
   *
   * @param status the status byte
   * @return for example {@code "ACKNOWLEDGE|DRIVER"}, or {@code "0"} for a reset device
   */
  public static String format(int status) {
    if (status == 0) {
      return "0";
    }
    StringJoiner j = new StringJoiner("|");
    int rest = status & 0xff;
    int[] bits = {ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK, DEVICE_NEEDS_RESET, FAILED};
    String[] names = {"ACKNOWLEDGE", "DRIVER", "FEATURES_OK", "DRIVER_OK", "DEVICE_NEEDS_RESET", "FAILED"};
    for (int i = 0; i < bits.length; i++) {
      if ((rest & bits[i]) != 0) {
        j.add(names[i]);
        rest &= ~bits[i];
      }
    }
    if (rest != 0) {
      j.add("0x" + Integer.toHexString(rest));
    }
    return j.toString();
  }
}
