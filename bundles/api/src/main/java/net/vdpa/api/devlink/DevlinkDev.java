package net.vdpa.api.devlink;

import java.util.Objects;

/**
 * One devlink device (an adapter) with its eswitch and SR-IOV settings.
 *
 * @param name the devlink name ({@code pci/0000:03:00.0})
 * @param netdev the PF's network interface, which {@code ip link} names ({@code enp3s0f0np0})
 * @param mode the eswitch mode
 * @param numVfs the VFs enabled ({@code sriov_numvfs})
 * @param totalVfs the most VFs it has ({@code sriov_totalvfs})
 * @param maxSfs the most SFs it has
 * @param queuePairs the queue pairs each function has
 * @param uplinks the number of uplinks
 * @param speed the uplinks' speed in Mb/s
 */
public record DevlinkDev(String name, String netdev, EswitchMode mode, int numVfs, int totalVfs, int maxSfs, int queuePairs,
    int uplinks, int speed) {

  /** Checks the name. */
  public DevlinkDev {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
  }
}
