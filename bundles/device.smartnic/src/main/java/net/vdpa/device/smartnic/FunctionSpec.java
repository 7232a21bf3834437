package net.vdpa.device.smartnic;

import net.vdpa.api.MacAddress;
import net.vdpa.api.net.VirtioNet;

/**
 * What one vDPA device on a function is, fixed at creation: the resolved form of a
 * {@code DevConfig} with every default filled in.
 *
 * @param name the device name
 * @param mgmtdev the function's management device handle
 * @param mac the MAC address
 * @param mtu the MTU
 * @param maxVqp the number of queue pairs, 1 to the adapter's queue pairs per function
 * @param features the features the device offers
 */
record FunctionSpec(String name, String mgmtdev, MacAddress mac, int mtu, int maxVqp, long features) {
  /** The most queue pairs a function has. */
  static final int MAX_VQP = 16;

  /** Checks what the record's users rely on. */
  FunctionSpec {
    if (maxVqp < 1 || maxVqp > MAX_VQP) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " is outside 1.." + MAX_VQP);
    }
    if (mac.isMulticast()) {
      throw new IllegalArgumentException("mac " + mac + " is a multicast address; a NIC needs a unicast one");
    }
  }

  /**
   * The number of virtqueues: a receive and a transmit queue per pair, then the control queue.
   *
   * @return {@code 2 * maxVqp + 1}
   */
  int vqCount() {
    return 2 * maxVqp + 1;
  }

  /**
   * The longest frame the device carries: MTU, Ethernet header and one VLAN tag.
   *
   * @return bytes
   */
  int maxFrame() {
    return mtu + VirtioNet.ETH_HLEN + 4;
  }
}
