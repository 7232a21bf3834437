package net.vdpa.device.smartnic;

import java.util.Dictionary;

/**
 * One adapter as its factory configuration ({@code net.vdpa.smartnic.adapter}) describes it, checked.
 *
 * @param pci the PF's PCI address, which names the devlink device ({@code pci/0000:03:00.0})
 * @param uplinks 1 or 2 uplink ports
 * @param maxVfs the most VFs ({@code sriov_totalvfs}), 0..{@link #MAX_VFS}
 * @param maxSfs the most SFs, 0..{@link #MAX_SFS}
 * @param queuePairs the queue pairs of each function, 1..{@link FunctionSpec#MAX_VQP}
 * @param speed the uplinks' speed in Mb/s, 1..{@link #MAX_SPEED}
 */
record AdapterConfig(PciAddress pci, int uplinks, int maxVfs, int maxSfs, int queuePairs, int speed) {
  /** The factory PID of adapters. */
  static final String FACTORY_PID = "net.vdpa.smartnic.adapter";
  static final int MAX_VFS = 127;
  static final int MAX_SFS = 256;
  static final int MAX_SPEED = 400_000;

  /** Checks every range, naming the value. */
  AdapterConfig {
    range("uplinks", uplinks, 1, 2);
    range("max_vfs", maxVfs, 0, Math.min(MAX_VFS, pci.vfRoom()));
    range("max_sfs", maxSfs, 0, MAX_SFS);
    range("queue_pairs", queuePairs, 1, FunctionSpec.MAX_VQP);
    range("speed", speed, 1, MAX_SPEED);
  }

  static void range(String what, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " " + value + " is outside " + min + ".." + max);
    }
  }

  /**
   * The devlink name.
   *
   * @return {@code pci/DDDD:BB:DD.F}
   */
  String devlinkName() {
    return "pci/" + pci;
  }

  /**
   * Reads a configuration's properties: {@code pci} (required), {@code uplinks} (1),
   * {@code max_vfs} (8), {@code max_sfs} (16), {@code queue_pairs} (4), {@code speed} (100000).
   *
   * @param p the properties
   * @return the checked configuration
   * @throws IllegalArgumentException naming the property that is wrong
   */
  static AdapterConfig from(Dictionary<String, ?> p) {
    Object pci = p.get("pci");
    if (pci == null) {
      throw new IllegalArgumentException("property pci is missing (the PF's address, such as 0000:03:00.0)");
    }
    return new AdapterConfig(PciAddress.parse(pci.toString().trim()), integer(p, "uplinks", 1), integer(p, "max_vfs", 8),
        integer(p, "max_sfs", 16), integer(p, "queue_pairs", 4), integer(p, "speed", 100_000));
  }

  private static int integer(Dictionary<String, ?> p, String key, int dflt) {
    Object v = p.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is not a number");
    }
  }
}
