package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.net.VirtioNet;

/**
 * The device classes the vhost-user backend serves, and what differs between them: how many vrings
 * a frontend gets, which device features pass, what GET_QUEUE_NUM answers, and whether the backend
 * keeps its own control queue. Everything else (memory table, rings, kicks, calls, config space) is
 * the same for every class.
 */
enum VhostKind {
  /** virtio-net for vhost-user-net frontends (QEMU's virtio-net with vhost-user, DPDK's virtio-user). */
  NET {
    @Override
    int rings(VdpaDevice device) {
      return 2 * ShadowControl.queuePairs(device);
    }

    @Override
    long passedFeatures(VdpaDevice device) {
      long passed = NET_FEATURES;
      return ShadowControl.usable(device) ? passed : passed & ~VirtioNet.bit(VirtioNet.F_MQ);
    }

    @Override
    int queueNum(VdpaDevice device) {
      // queue pairs, as QEMU's queues= and DPDK's vhost library count them for a network device
      return ShadowControl.queuePairs(device);
    }

    @Override
    boolean shadowControl(long features) {
      return (features & VirtioNet.bit(VirtioNet.F_MQ)) != 0;
    }

    @Override
    boolean needsConfig() {
      return false;
    }

    @Override
    String featureNames(long features) {
      return VirtioNet.featureNames(features);
    }

  },

  /** virtio-blk for vhost-user-blk frontends (QEMU's {@code -device vhost-user-blk-pci}). */
  BLOCK {
    @Override
    int rings(VdpaDevice device) {
      return queueNum(device);
    }

    @Override
    long passedFeatures(VdpaDevice device) {
      return BLK_FEATURES;
    }

    @Override
    int queueNum(VdpaDevice device) {
      // the request queues: num_queues with MQ, else one, and never more than the device holds
      if ((device.deviceFeatures() & VirtioBlk.bit(VirtioBlk.F_MQ)) == 0) {
        return 1;
      }
      ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
      device.getConfig(VirtioBlk.CFG_NUM_QUEUES, b);
      return Math.max(1, Math.min(Short.toUnsignedInt(b.getShort(0)), device.vqCount()));
    }

    @Override
    boolean shadowControl(long features) {
      return false;
    }

    @Override
    boolean needsConfig() {
      return true; // QEMU's vhost-user-blk reads virtio_blk_config with GET_CONFIG and refuses without it
    }

    @Override
    String featureNames(long features) {
      return VirtioBlk.featureNames(features);
    }
  };

  /**
   * Net device features the backend can pass on, and transport bits, packed rings included. Never
   * RSS or HASH_REPORT: the backend shadows the control queue, so a frontend could not configure
   * the hash, and its headers stay the 12-byte ones the device then writes.
   */
  static final long NET_FEATURES = bits(VirtioNet.F_CSUM, VirtioNet.F_GUEST_CSUM, VirtioNet.F_MTU,
      VirtioNet.F_MAC, VirtioNet.F_MRG_RXBUF, VirtioNet.F_STATUS, VirtioNet.F_MQ, VirtioNet.F_INDIRECT_DESC,
      VirtioNet.F_EVENT_IDX, VirtioNet.F_VERSION_1, VirtioNet.F_RING_PACKED, VirtioNet.F_IN_ORDER);

  /**
   * Block device features the backend passes on: all it has (no control queue to shadow), and the
   * same transport bits as for a network device (their numbers are named in {@link VirtioNet}).
   */
  static final long BLK_FEATURES = bits(VirtioBlk.F_SIZE_MAX, VirtioBlk.F_SEG_MAX, VirtioBlk.F_RO,
      VirtioBlk.F_BLK_SIZE, VirtioBlk.F_FLUSH, VirtioBlk.F_TOPOLOGY, VirtioBlk.F_MQ, VirtioBlk.F_DISCARD,
      VirtioBlk.F_WRITE_ZEROES, VirtioNet.F_INDIRECT_DESC, VirtioNet.F_EVENT_IDX, VirtioNet.F_VERSION_1,
      VirtioNet.F_RING_PACKED);

  /**
   * The kind of a device, or null if the backend does not serve it.
   *
   * @param device the device
   * @return NET, BLOCK or null
   */
  static VhostKind of(VdpaDevice device) {
    return switch (device.deviceId()) {
      case VdpaDevice.ID_NET -> NET;
      case VdpaDevice.ID_BLOCK -> BLOCK;
      default -> null;
    };
  }

  /** The vrings a frontend may set up. */
  abstract int rings(VdpaDevice device);

  /** The device features that pass to frontends (ANDed with the device's). */
  abstract long passedFeatures(VdpaDevice device);

  /** GET_QUEUE_NUM's answer. */
  abstract int queueNum(VdpaDevice device);

  /** Whether the backend sets up its own control queue for these negotiated features. */
  abstract boolean shadowControl(long features);

  /** Whether the CONFIG protocol feature is always offered (else only when the settings ask). */
  abstract boolean needsConfig();

  /** Feature names for log lines. */
  abstract String featureNames(long features);

  /**
   * Chains the device reads ahead in a ring ({@link VdpaDevice#setVqReadAhead}): 0 for none, which
   * every kind uses now. A network device's transmit path touches each batch of scattered frames
   * (a DPDK frontend's mbufs) in one loop of its own ({@code NetPairWorker.touchFrames}), whose
   * misses overlap; reading ahead chain by
   * chain on top of that halved testpmd's txonly (benchmarks/README.md, "Session s36").
   *
   * @param ring the vring index
   * @return chains
   */
  int readAhead(int ring) {
    return 0;
  }

  private static long bits(int... bits) {
    long v = 0;
    for (int b : bits) {
      v |= 1L << b;
    }
    return v;
  }
}
