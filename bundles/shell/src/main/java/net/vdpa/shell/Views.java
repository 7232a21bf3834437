package net.vdpa.shell;

import java.util.List;
import java.util.Map;
import net.vdpa.api.MacAddress;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.State;
import net.vdpa.api.dto.DeviceDTO.Stay;

/** What the shell shows, gathered from services into plain values that the formatter turns into text or JSON. */
final class Views {
  private Views() {}

  /** {@code vdpa mgmtdev show}. */
  record Mgmtdev(String handle, List<String> classes, int maxSupportedVqs, long features) {}

  /**
   * {@code vdpa dev show}.
   *
   * @param host the runtime the device lives on, or {@code null} when no other runtime is known
   *     (then the listing is iproute2's, without a host column)
   */
  record Dev(String name, int deviceId, String mgmtdev, int vendorId, int maxVqs, int maxVqSize, String host) {
    /** A device listed without a host column. */
    Dev(String name, int deviceId, String mgmtdev, int vendorId, int maxVqs, int maxVqSize) {
      this(name, deviceId, mgmtdev, vendorId, maxVqs, maxVqSize, null);
    }

    /** The same device with a host column. */
    Dev on(String runtime) {
      return new Dev(name, deviceId, mgmtdev, vendorId, maxVqs, maxVqSize, runtime);
    }

    String type() {
      return switch (deviceId) {
        case 1 -> "network";
        case 2 -> "block";
        default -> "id_" + deviceId;
      };
    }
  }

  /** One device's part of {@code vdpa dev config show}: what its class's config space says. */
  sealed interface ConfigView permits Config, BlkConfig {
    /** The device name. */
    String name();

    /** The negotiated features, or -1 before FEATURES_OK (then not shown). */
    long negotiated();
  }

  /**
   * A network device's config.
   *
   * @param maxVqPairs {@code max_virtqueue_pairs}, or -1 for a device that offers neither MQ nor RSS
   *     (then not shown, as Linux does not report it)
   * @param negotiated the negotiated features, or -1 before FEATURES_OK (then not shown)
   */
  record Config(String name, MacAddress mac, boolean linkUp, boolean announce, int maxVqPairs, int mtu, long negotiated)
      implements ConfigView {}

  /**
   * A block device's config ({@code struct virtio_blk_config}).
   *
   * @param capacity 512-byte sectors
   * @param negotiated the negotiated features, or -1 before FEATURES_OK (then not shown)
   */
  record BlkConfig(String name, long capacity, int blkSize, int segMax, int sizeMax, int numQueues,
      long maxDiscardSectors, long maxWriteZeroesSectors, long negotiated) implements ConfigView {}

  /**
   * {@code vdpa dev vstats show}.
   *
   * @param qidx the queue asked for; like iproute2, the output shows only its {@code queueType}
   * @param stats the vendor counters in the device's order
   */
  record Vstats(String name, int qidx, String queueType, Map<String, Long> stats) {}

  /**
   * One line of {@code vdpa bus show}.
   *
   * @param placement while bound, how it came to its driver; else null
   * @param displacedFrom the driver it had to leave because that driver went away, or null
   * @param stay why it stays although {@code displacedFrom} is back, or null
   * @param stayReason {@code stay} in words, or null
   */
  record BusLine(String name, State state, String driver, String reason, String override, boolean autoprobe,
      Placement placement, String displacedFrom, Stay stay, String stayReason) {
    BusLine(String name, State state, String driver, String reason, String override, boolean autoprobe) {
      this(name, state, driver, reason, override, autoprobe, null, null, null, null);
    }
  }
}
