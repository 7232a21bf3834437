package net.vdpa.device.core.net;

import net.vdpa.api.MacAddress;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.ConfigSpace;

/**
 * The virtio-net config space (virtio 1.2 §5.1.4), little-endian: {@code mac[6]}, {@code le16
 * status}, {@code le16 max_virtqueue_pairs}, {@code le16 mtu}, and with RSS the {@code speed} and
 * {@code duplex} fields (zero: not offered) and the three RSS limits: its layout over the device core's
 * {@link ConfigSpace}, which keeps the generation and makes every access atomic.
 */
public final class NetConfigSpace {
  private final ConfigSpace space;

  /**
   * The initial layout, without RSS.
   *
   * @param mac the MAC address
   * @param maxVqp the number of queue pairs
   * @param mtu the MTU
   */
  public NetConfigSpace(MacAddress mac, int maxVqp, int mtu) {
    this(mac, maxVqp, mtu, false);
  }

  /**
   * The initial layout.
   *
   * @param mac the MAC address
   * @param maxVqp the number of queue pairs
   * @param mtu the MTU
   * @param rss whether the device offers RSS: the space then reaches {@code supported_hash_types}
   *     (a 40-byte key, {@link RssConfig#MAX_TABLE} table entries, {@link RssConfig#SUPPORTED_HASH_TYPES})
   */
  public NetConfigSpace(MacAddress mac, int maxVqp, int mtu, boolean rss) {
    space = new ConfigSpace(rss ? VirtioNet.CFG_SIZE_RSS : VirtioNet.CFG_SIZE, "virtio-net");
    space.init(b -> {
      b.put(VirtioNet.CFG_MAC, mac.toBytes());
      b.putShort(VirtioNet.CFG_STATUS, (short) VirtioNet.S_LINK_UP);
      b.putShort(VirtioNet.CFG_MAX_VQ_PAIRS, (short) maxVqp);
      b.putShort(VirtioNet.CFG_MTU, (short) mtu);
      if (rss) {
        b.put(VirtioNet.CFG_RSS_MAX_KEY_SIZE, (byte) VirtioNet.RSS_KEY_SIZE);
        b.putShort(VirtioNet.CFG_RSS_MAX_INDIRECTION_TABLE_LENGTH, (short) RssConfig.MAX_TABLE);
        b.putInt(VirtioNet.CFG_SUPPORTED_HASH_TYPES, RssConfig.SUPPORTED_HASH_TYPES);
      }
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
