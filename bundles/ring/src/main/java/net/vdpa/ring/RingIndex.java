package net.vdpa.ring;

/**
 * The one place where free-running 16-bit ring indices wrap (virtio 1.2 §2.7.6: {@code idx} "wraps
 * naturally at 65536") and where the EVENT_IDX comparison lives.
 *
 * <p>Ring indices are kept in Java {@code int}s holding values 0 to 65535. Every increment and every
 * distance goes through this class, so that no caller forgets the mask.
 */
public final class RingIndex {
  /** The mask that turns any int into a 16-bit ring index. */
  public static final int MASK = 0xffff;

  private RingIndex() {}

  /**
   * Advances a 16-bit index.
   *
   * @param index the current index, 0 to 65535
   * @param by how many entries to advance (may be negative)
   * @return {@code (index + by) mod 65536}
   */
  public static int add(int index, int by) {
    return (index + by) & MASK;
  }

  /**
   * How far {@code to} is ahead of {@code from}, modulo 65536.
   *
   * @param to the later index
   * @param from the earlier index
   * @return {@code (to - from) mod 65536}, 0 to 65535
   */
  public static int distance(int to, int from) {
    return (to - from) & MASK;
  }

  /**
   * The EVENT_IDX rule (virtio 1.2 §2.7.7 and §2.7.10, {@code vring_need_event}): after moving an
   * index from {@code old} to {@code now}, the other side asked to be told once the index passes
   * {@code event}.
   *
   * @param event the event index the other side wrote ({@code used_event} or {@code avail_event})
   * @param now the index just published
   * @param old the index published at the previous notification decision
   * @return {@code (u16)(now - event - 1) < (u16)(now - old)}
   */
  public static boolean needEvent(int event, int now, int old) {
    return ((now - event - 1) & MASK) < ((now - old) & MASK);
  }
}
