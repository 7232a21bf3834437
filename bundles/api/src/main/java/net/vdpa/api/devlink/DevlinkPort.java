package net.vdpa.api.devlink;

import java.util.Objects;
import net.vdpa.api.MacAddress;

/**
 * One devlink port as {@code devlink port show} describes it.
 *
 * @param dev the devlink device ({@code pci/0000:03:00.0})
 * @param index the port index ({@code pci/0000:03:00.0/1} has index 1)
 * @param flavour what the port is
 * @param netdev the network interface of the port (an uplink's {@code p0}, a representor's
 *     {@code pf0vf1}), or null if it has none now
 * @param number the uplink's port number, the VF number or the SF number; 0 for a PF
 * @param pfnum the PF the function belongs to (0), for PCIPF, PCIVF and PCISF
 * @param hwAddr the function's MAC address, for PCIVF and PCISF, else null
 * @param state the function's state, for PCISF, else null
 * @param attached whether the function is attached to the host now (an active SF, a VF that
 *     exists), for PCISF
 * @param mgmtdev the vDPA management device on the function ({@code pci/0000:03:00.2},
 *     {@code auxiliary/smartnic.sf.1}), or null while there is none
 */
public record DevlinkPort(String dev, int index, PortFlavour flavour, String netdev, int number, int pfnum,
    MacAddress hwAddr, FunctionState state, boolean attached, String mgmtdev) {

  /** Checks the names. */
  public DevlinkPort {
    Objects.requireNonNull(dev, "dev");
    Objects.requireNonNull(flavour, "flavour");
  }

  /**
   * The port's devlink name.
   *
   * @return {@code DEV/INDEX}
   */
  public String name() {
    return dev + "/" + index;
  }
}
