package net.vdpa.api.devlink;

import net.vdpa.api.MacAddress;

/**
 * What a switchdev rule matches on a frame (tc flower's {@code dst_mac}, {@code src_mac},
 * {@code vlan_id}, {@code eth_type}); a null field matches anything, and a rule whose fields are
 * all null matches every frame.
 *
 * @param dstMac the destination address, or null
 * @param srcMac the source address, or null
 * @param vlanId the 802.1Q VLAN of a tagged frame (0 to 4095; an untagged frame never matches), or null
 * @param ethType the EtherType after any 802.1Q tag (0x0600 to 0xffff), or null
 */
public record FlowMatch(MacAddress dstMac, MacAddress srcMac, Integer vlanId, Integer ethType) {
  /** Matches every frame. */
  public static final FlowMatch ANY = new FlowMatch(null, null, null, null);

  /** Checks the values; the message names the bad one. */
  public FlowMatch {
    if (vlanId != null && (vlanId < 0 || vlanId > 4095)) {
      throw new IllegalArgumentException("vlan_id " + vlanId + " is outside 0..4095");
    }
    if (ethType != null && (ethType < 0x0600 || ethType > 0xffff)) {
      throw new IllegalArgumentException("eth_type 0x" + Integer.toHexString(ethType) + " is outside 0x0600..0xffff");
    }
  }
}
