package net.vdpa.api.net;

/**
 * Traffic counters of a network interface or one of its queue pairs, named as Linux names them.
 *
 * @param rxPackets frames received
 * @param rxBytes bytes received (frames without the virtio-net header)
 * @param rxDropped frames the interface received but could not deliver (no listener room, filter), and
 *     frames the device had to drop because the driver had given it no receive buffer (Linux's
 *     rx_missed, counted here as drops)
 * @param txPackets frames transmitted
 * @param txBytes bytes transmitted
 * @param txDropped frames not sent because the transmit ring was full or the link down, and frames
 *     the device took but its wire could not carry (link down, a cable whose far end is absent or
 *     not receiving): a frame lost on the way out is the sender's drop
 * @param txErrors frames the device refused
 */
public record NetStats(long rxPackets, long rxBytes, long rxDropped, long txPackets, long txBytes, long txDropped,
    long txErrors) {

  /** All zero. */
  public static final NetStats ZERO = new NetStats(0, 0, 0, 0, 0, 0, 0);

  /**
   * The sum of two sets of counters.
   *
   * @param o the other counters
   * @return a new record
   */
  public NetStats plus(NetStats o) {
    return new NetStats(rxPackets + o.rxPackets, rxBytes + o.rxBytes, rxDropped + o.rxDropped,
        txPackets + o.txPackets, txBytes + o.txBytes, txDropped + o.txDropped, txErrors + o.txErrors);
  }
}
