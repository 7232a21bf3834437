package net.vdpa.device.simnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.VirtioNet;

/**
 * The virtio-net config space (virtio 1.2 §5.1.4), little-endian: {@code mac[6]}, {@code le16
 * status}, {@code le16 max_virtqueue_pairs}, {@code le16 mtu}, and its generation counter.
 *
 * <p>Thread-safe: every access holds this object's lock, so a reader never sees half a MAC.
 */
final class NetConfigSpace {
  /** The bytes; guarded by {@code this}. */
  private final ByteBuffer bytes = ByteBuffer.allocate(VirtioNet.CFG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  /** Bumped on every change; guarded by {@code this}. */
  private int generation;

  /**
   * Lays out a config space.
   *
   * @param mac the MAC address
   * @param maxVqp the number of queue pairs
   * @param mtu the MTU
   */
  NetConfigSpace(MacAddress mac, int maxVqp, int mtu) {
    bytes.put(VirtioNet.CFG_MAC, mac.toBytes());
    bytes.putShort(VirtioNet.CFG_STATUS, (short) VirtioNet.S_LINK_UP);
    bytes.putShort(VirtioNet.CFG_MAX_VQ_PAIRS, (short) maxVqp);
    bytes.putShort(VirtioNet.CFG_MTU, (short) mtu);
  }

  /**
   * Copies {@code dst.remaining()} bytes from {@code offset}.
   *
   * @param offset config offset
   * @param dst where the bytes go, position to limit; its position advances
   * @throws IndexOutOfBoundsException naming the span if it leaves the config space
   */
  synchronized void read(int offset, ByteBuffer dst) {
    int n = dst.remaining();
    if (offset < 0 || n > VirtioNet.CFG_SIZE - offset) {
      throw new IndexOutOfBoundsException("config read of " + n + " bytes at offset " + offset
          + " leaves the " + VirtioNet.CFG_SIZE + "-byte virtio-net config space");
    }
    dst.put(bytes.slice(offset, n));
  }

  /**
   * The MAC address now in the config space.
   *
   * @return the address
   */
  synchronized MacAddress mac() {
    byte[] b = new byte[6];
    bytes.get(VirtioNet.CFG_MAC, b);
    return MacAddress.of(b);
  }

  /**
   * Writes the MAC address (control queue MAC_ADDR_SET); bumps the generation.
   *
   * @param mac the address as 48 bits
   */
  synchronized void setMac(long mac) {
    for (int i = 0; i < 6; i++) {
      bytes.put(VirtioNet.CFG_MAC + i, (byte) (mac >>> (40 - 8 * i)));
    }
    generation++;
  }

  /**
   * Sets or clears LINK_UP in the status field.
   *
   * @param up the link state
   * @return true if it changed (the generation was bumped)
   */
  synchronized boolean setLink(boolean up) {
    int s = bytes.getShort(VirtioNet.CFG_STATUS) & 0xffff;
    int n = up ? s | VirtioNet.S_LINK_UP : s & ~VirtioNet.S_LINK_UP;
    if (n == s) {
      return false;
    }
    bytes.putShort(VirtioNet.CFG_STATUS, (short) n);
    generation++;
    return true;
  }

  /**
   * Whether LINK_UP is set.
   *
   * @return the link state
   */
  synchronized boolean linkUp() {
    return (bytes.getShort(VirtioNet.CFG_STATUS) & VirtioNet.S_LINK_UP) != 0;
  }

  /**
   * The generation counter.
   *
   * @return it
   */
  synchronized int generation() {
    return generation;
  }
}
