package net.vdpa.device.smartnic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address as Linux writes it, {@code DDDD:BB:DD.F}: domain, bus, device and function. A VF's
 * address is its PF's routing id (device * 8 + function) plus the first VF's offset plus its number,
 * as SR-IOV's ARI numbering has it, so VF 0 of {@code 0000:03:00.0} is {@code 0000:03:00.2}.
 *
 * @param domain 0..0xffff
 * @param bus 0..0xff
 * @param device 0..0x1f
 * @param function 0..7
 */
record PciAddress(int domain, int bus, int device, int function) {
  /** The routing-id offset of VF 0 from its PF (ConnectX's {@code First VF Offset}). */
  static final int FIRST_VF_OFFSET = 2;
  private static final Pattern TEXT = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

  /** Checks the ranges. */
  PciAddress {
    if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || device < 0 || device > 0x1f || function < 0
        || function > 7) {
      throw new IllegalArgumentException("pci address " + String.format("%x:%x:%x.%x", domain, bus, device, function)
          + " is out of range");
    }
  }

  /**
   * Reads {@code 0000:03:00.0}.
   *
   * @param text the address
   * @return the address
   * @throws IllegalArgumentException naming the text and the form it should have
   */
  static PciAddress parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("pci address '" + text + "' is not of the form DDDD:BB:DD.F (such as 0000:03:00.0)");
    }
    return new PciAddress(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
        Integer.parseInt(m.group(3), 16), Integer.parseInt(m.group(4)));
  }

  /**
   * The address of a VF of this PF.
   *
   * @param vf the VF number
   * @return its address
   * @throws IllegalArgumentException if it would leave the bus
   */
  PciAddress vf(int vf) {
    int rid = device * 8 + function + FIRST_VF_OFFSET + vf;
    if (rid > 0xff) {
      throw new IllegalArgumentException("vf " + vf + " of " + this + " would leave bus " + String.format("%02x", bus));
    }
    return new PciAddress(domain, bus, rid / 8, rid % 8);
  }

  /**
   * The most VFs this PF can have on its bus.
   *
   * @return VFs
   */
  int vfRoom() {
    return 0x100 - (device * 8 + function + FIRST_VF_OFFSET);
  }

  /**
   * The name udev gives port {@code port} of this PF ({@code enp3s0f0np0}): slot-based, so two
   * adapters never share one.
   *
   * @param port the uplink
   * @return the interface name
   */
  String netdev(int port) {
    return slot() + "np" + port;
  }

  /**
   * A representor's interface name as systemd names it: the slot, {@code n}, and the port's
   * physical name ({@code enp3s0f0npf0vf1} for {@code pf0vf1}), unique across adapters.
   *
   * @param physPortName the port's name as the driver gives it, such as {@code pf0vf1}
   * @return the interface name
   */
  String representor(String physPortName) {
    return slot() + "n" + physPortName;
  }

  private String slot() {
    return "en" + (domain != 0 ? "P" + domain : "") + "p" + bus + "s" + device + "f" + function;
  }

  @Override
  public String toString() {
    return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
  }
}
