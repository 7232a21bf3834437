package net.vdpa.ring.split;

/**
 * The byte layout of a split virtqueue (virtio 1.2 §2.7), little-endian, as offset constants: the
 * one place that knows where each field lives.
 *
 * <pre>
 * descriptor table, 16 * N bytes, 16-aligned:  le64 addr | le32 len | le16 flags | le16 next
 * available ring, 6 + 2 * N bytes, 2-aligned:  le16 flags | le16 idx | le16 ring[N] | le16 used_event
 * used ring, 6 + 8 * N bytes, 4-aligned:       le16 flags | le16 idx | {le32 id, le32 len}[N] | le16 avail_event
 * </pre>
 */
public final class SplitLayout {
  /** Bytes per descriptor. */
  public static final int DESC_SIZE = 16;
  /** Offset of {@code addr} in a descriptor. */
  public static final int DESC_ADDR = 0;
  /** Offset of {@code len} in a descriptor. */
  public static final int DESC_LEN = 8;
  /** Offset of {@code flags} in a descriptor. */
  public static final int DESC_FLAGS = 12;
  /** Offset of {@code next} in a descriptor. */
  public static final int DESC_NEXT = 14;
  /** Descriptor flag: the chain continues at {@code next}. */
  public static final int F_NEXT = 1;
  /** Descriptor flag: the buffer is device-writable. */
  public static final int F_WRITE = 2;
  /** Descriptor flag: the buffer is an indirect table of descriptors. */
  public static final int F_INDIRECT = 4;

  /** Offset of {@code flags} in the available ring. */
  public static final int AVAIL_FLAGS = 0;
  /** Offset of {@code idx} in the available ring. */
  public static final int AVAIL_IDX = 2;
  /** Offset of {@code ring[0]} in the available ring. */
  public static final int AVAIL_RING = 4;
  /** Available ring flag: the driver asks for no used-buffer notifications. */
  public static final int AVAIL_F_NO_INTERRUPT = 1;

  /** Offset of {@code flags} in the used ring. */
  public static final int USED_FLAGS = 0;
  /** Offset of {@code idx} in the used ring. */
  public static final int USED_IDX = 2;
  /** Offset of {@code ring[0]} in the used ring. */
  public static final int USED_RING = 4;
  /** Bytes per used element. */
  public static final int USED_ELEM_SIZE = 8;
  /** Offset of {@code id} in a used element. */
  public static final int USED_ELEM_ID = 0;
  /** Offset of {@code len} in a used element. */
  public static final int USED_ELEM_LEN = 4;
  /** Used ring flag: the device asks for no kicks. */
  public static final int USED_F_NO_NOTIFY = 1;

  /** Required alignment of the descriptor table. */
  public static final int DESC_ALIGN = 16;
  /** Required alignment of the available ring. */
  public static final int AVAIL_ALIGN = 2;
  /** Required alignment of the used ring. */
  public static final int USED_ALIGN = 4;

  private SplitLayout() {}

  /**
   * Size of the descriptor table.
   *
   * @param n queue size
   * @return bytes
   */
  public static int descTableSize(int n) {
    return DESC_SIZE * n;
  }

  /**
   * Size of the available ring, {@code used_event} included.
   *
   * @param n queue size
   * @return bytes
   */
  public static int availSize(int n) {
    return 6 + 2 * n;
  }

  /**
   * Size of the used ring, {@code avail_event} included.
   *
   * @param n queue size
   * @return bytes
   */
  public static int usedSize(int n) {
    return 6 + 8 * n;
  }

  /**
   * Offset of {@code used_event} in the available ring.
   *
   * @param n queue size
   * @return offset
   */
  public static int usedEventOffset(int n) {
    return AVAIL_RING + 2 * n;
  }

  /**
   * Offset of {@code avail_event} in the used ring.
   *
   * @param n queue size
   * @return offset
   */
  public static int availEventOffset(int n) {
    return USED_RING + USED_ELEM_SIZE * n;
  }

  /**
   * Checks a split queue size.
   *
   * @param n the queue size
   * @throws IllegalArgumentException unless a power of two from 1 to 32768
   */
  public static void checkSize(int n) {
    if (n < 1 || n > 32768 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("split queue size " + n + " is not a power of two in 1..32768");
    }
  }
}
