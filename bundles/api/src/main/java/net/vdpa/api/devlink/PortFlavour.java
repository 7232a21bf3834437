package net.vdpa.api.devlink;

/** What a devlink port is ({@code flavour} in {@code devlink port show}). */
public enum PortFlavour {
  /** An uplink: a physical port of the adapter. */
  PHYSICAL,
  /** The physical function. */
  PCIPF,
  /** A virtual function (SR-IOV). */
  PCIVF,
  /** A sub-function (an auxiliary device). */
  PCISF;

  /**
   * devlink's word for the flavour.
   *
   * @return {@code physical}, {@code pcipf}, {@code pcivf} or {@code pcisf}
   */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
