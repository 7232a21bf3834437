package net.vdpa.api;

import java.io.Serializable;
import java.util.Locale;

/**
 * A 48-bit Ethernet MAC address, parsed from and printed as {@code 00:11:22:33:44:55}.
 *
 * <p>Serializable (since 1.5) so that a remote runtime's facade can carry it; deserialising runs the
 * canonical constructor, so a received address is checked like a parsed one.
 *
 * @param value the address in the low 48 bits, first octet most significant
 */
public record MacAddress(long value) implements Serializable {

  /** Checks that the value fits in 48 bits. */
  public MacAddress {
    if ((value & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("mac value 0x" + Long.toHexString(value) + " is wider than 48 bits");
    }
  }

  /**
   * Parses {@code xx:xx:xx:xx:xx:xx} (hex, either case).
   *
   * @param text the text
   * @return the address
   * @throws IllegalArgumentException naming the text if it is not a MAC address
   */
  public static MacAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("mac address is not set");
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException("malformed mac address '" + text + "': expected six hex octets like 00:11:22:33:44:55");
    }
    long v = 0;
    for (String p : parts) {
      if (p.length() != 2 || Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
        throw new IllegalArgumentException("malformed mac address '" + text + "': octet '" + p + "' is not two hex digits");
      }
      v = (v << 8) | Integer.parseInt(p, 16);
    }
    return new MacAddress(v);
  }

  /**
   * The address from six bytes, first byte first.
   *
   * @param b the bytes
   * @return the address
   */
  public static MacAddress of(byte[] b) {
    if (b.length != 6) {
      throw new IllegalArgumentException("a mac address has 6 bytes, not " + b.length);
    }
    long v = 0;
    for (byte x : b) {
      v = (v << 8) | (x & 0xff);
    }
    return new MacAddress(v);
  }

  /**
   * The six bytes, first octet first.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (40 - 8 * i));
    }
    return b;
  }

  /**
   * Whether the group (multicast) bit is set.
   *
   * @return true for multicast and broadcast addresses
   */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  /**
   * Whether this is the broadcast address {@code ff:ff:ff:ff:ff:ff}.
   *
   * @return true for broadcast
   */
  public boolean isBroadcast() {
    return value == 0xffff_ffff_ffffL;
  }

  /**
   * Checks that a device may own this address: not broadcast, not multicast, not all zero.
   *
   * @throws IllegalArgumentException naming the address and what is wrong with it
   */
  public void checkStation() {
    if (isBroadcast()) {
      throw new IllegalArgumentException("mac " + this + " is the broadcast address; a device needs a unicast address");
    }
    if (isMulticast()) {
      throw new IllegalArgumentException("mac " + this + " is a multicast address (group bit set in "
          + String.format(Locale.ROOT, "%02x", value >>> 40) + "); a device needs a unicast address");
    }
    if (value == 0) {
      throw new IllegalArgumentException("mac " + this + " is the all-zero address; a device needs a unicast address");
    }
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        s.append(':');
      }
      s.append(String.format(Locale.ROOT, "%02x", (value >>> (40 - 8 * i)) & 0xff));
    }
    return s.toString();
  }
}
