package net.vdpa.api.passthrough;

/**
 * Whether an IOMMU group may be used (VFIO's viability rule): every member must be bound to the
 * passthrough driver or to no driver, because members of one group share one address space.
 */
public sealed interface Viability {
  /** Every member is bound to {@code vfio_vdpa} or to none. */
  record Viable() implements Viability {}

  /**
   * A member is bound to another driver.
   *
   * @param device the member that breaks the rule
   * @param driver the driver that holds it
   */
  record Broken(String device, String driver) implements Viability {
    /**
     * The refusal in words.
     *
     * @param group the group id
     * @return {@code group 7 is not viable: device vdpa1 is bound to virtio_net}
     */
    public String describe(int group) {
      return "group " + group + " is not viable: device " + device + " is bound to " + driver;
    }
  }
}
