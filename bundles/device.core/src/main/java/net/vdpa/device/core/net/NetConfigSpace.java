package net.vdpa.device.core.net;

import net.vdpa.api.MacAddress;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.ConfigSpace;

/**
 * The virtio-net config space (virtio 1.2 §5.1.4), little-endian: {@code mac[6]}, {@code le16
 * status}, {@code le16 max_virtqueue_pairs}, {@code le16 mtu}: its layout over the device core's
 * {@link ConfigSpace}, which keeps the generation and makes every access atomic.
 */
public final class NetConfigSpace {
  private final ConfigSpace space = new ConfigSpace(VirtioNet.CFG_SIZE, "virtio-net");

  /**
   * The initial layout.
   *
   * @param mac the MAC address
   * @param maxVqp the number of queue pairs
   * @param mtu the MTU
   */
  public NetConfigSpace(MacAddress mac, int maxVqp, int mtu) {
    space.init(b -> {
      b.put(VirtioNet.CFG_MAC, mac.toBytes());
      b.putShort(VirtioNet.CFG_STATUS, (short) VirtioNet.S_LINK_UP);
      b.putShort(VirtioNet.CFG_MAX_VQ_PAIRS, (short) maxVqp);
      b.putShort(VirtioNet.CFG_MTU, (short) mtu);
    });
  }

  /**
   * The bytes and generation the device shows.
   *
   * @return the config space
   */
  public ConfigSpace space() {
    return space;
  }

  /**
   * The MAC address the driver reads now.
   *
   * @return the address
   */
  public MacAddress mac() {
    return space.get(b -> {
      byte[] m = new byte[6];
      b.get(VirtioNet.CFG_MAC, m);
      return MacAddress.of(m);
    });
  }

  /**
   * Sets the MAC address (the driver's CTRL_MAC_ADDR_SET, or a reset back to the device's own).
   *
   * @param mac the address in the low 48 bits
   */
  public void setMac(long mac) {
    space.update(b -> {
      for (int i = 0; i < 6; i++) {
        b.put(VirtioNet.CFG_MAC + i, (byte) (mac >>> (40 - 8 * i)));
      }
      return true;
    });
  }

  /**
   * Sets the link bit of the status field.
   *
   * @param up the link state
   * @return true if it changed
   */
  public boolean setLink(boolean up) {
    return space.update(b -> {
      int s = b.getShort(VirtioNet.CFG_STATUS) & 0xffff;
      int n = up ? s | VirtioNet.S_LINK_UP : s & ~VirtioNet.S_LINK_UP;
      b.putShort(VirtioNet.CFG_STATUS, (short) n);
      return n != s;
    });
  }
}
