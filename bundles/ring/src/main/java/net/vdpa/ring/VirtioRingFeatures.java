package net.vdpa.ring;

/**
 * The transport feature bits that change how a ring behaves (virtio 1.2 §6), as bit numbers and as
 * masks for a 64-bit feature word.
 */
public final class VirtioRingFeatures {
  /** VIRTIO_F_INDIRECT_DESC: descriptors may point to indirect tables. */
  public static final int INDIRECT_DESC = 28;
  /** VIRTIO_F_EVENT_IDX: {@code used_event}/{@code avail_event} instead of flags. */
  public static final int EVENT_IDX = 29;
  /** VIRTIO_F_VERSION_1. */
  public static final int VERSION_1 = 32;
  /** VIRTIO_F_RING_PACKED: the packed layout. */
  public static final int RING_PACKED = 34;
  /** VIRTIO_F_IN_ORDER: buffers are used in the order they were made available. */
  public static final int IN_ORDER = 35;

  private VirtioRingFeatures() {}

  /**
   * The mask of one feature bit.
   *
   * @param bit a bit number such as {@link #EVENT_IDX}
   * @return {@code 1L << bit}
   */
  public static long mask(int bit) {
    return 1L << bit;
  }

  /**
   * Whether a feature word has a bit.
   *
   * @param features the negotiated features
   * @param bit the bit number
   * @return true if set
   */
  public static boolean has(long features, int bit) {
    return (features & (1L << bit)) != 0;
  }
}
