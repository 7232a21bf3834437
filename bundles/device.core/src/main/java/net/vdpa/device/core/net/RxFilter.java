package net.vdpa.device.core.net;

/**
 * The receive filter: which destination MAC addresses a device accepts. Its own unicast address,
 * broadcast and multicast always; every other unicast address only in promiscuous mode. The control
 * queue changes it (CTRL_RX, MAC_ADDR_SET); every queue pair's worker reads it.
 *
 * <p>Thread-safe: fields are volatile, written by the control queue's worker or on reset.
 */
public final class RxFilter {
  private static final long GROUP_BIT = 0x0100_0000_0000L;

  private final long defaultMac;
  private volatile long mac;
  private volatile boolean promisc;
  private volatile boolean allmulti;

  /**
   * A filter for one address, not promiscuous.
   *
   * @param mac the device's address, 48 bits
   */
  public RxFilter(long mac) {
    this.defaultMac = mac;
    this.mac = mac;
  }

  /**
   * Whether a frame to a destination address passes.
   *
   * @param dst the destination address, 48 bits
   * @return true if the device should receive it
   */
  public boolean accepts(long dst) {
    return dst == mac || (dst & GROUP_BIT) != 0 || promisc;
  }

  /**
   * The address the device answers to.
   *
   * @return 48 bits
   */
  public long mac() {
    return mac;
  }

  /**
   * Sets the device's address.
   *
   * @param mac 48 bits
   */
  public void setMac(long mac) {
    this.mac = mac;
  }

  /**
   * Turns promiscuous mode on or off.
   *
   * @param on the mode
   */
  public void setPromisc(boolean on) {
    promisc = on;
  }

  /**
   * Promiscuous mode.
   *
   * @return true if every frame passes
   */
  public boolean promisc() {
    return promisc;
  }

  /**
   * Records all-multicast mode; multicast always passes here, so it only shows in state.
   *
   * @param on the mode
   */
  public void setAllmulti(boolean on) {
    allmulti = on;
  }

  /**
   * All-multicast mode.
   *
   * @return the mode
   */
  public boolean allmulti() {
    return allmulti;
  }

  /** Back to the device's own address, not promiscuous (device reset). */
  public void reset() {
    mac = defaultMac;
    promisc = false;
    allmulti = false;
  }
}
