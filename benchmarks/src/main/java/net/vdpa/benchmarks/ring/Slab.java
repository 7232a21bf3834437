package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;

/**
 * Payload memory laid out as every ring benchmark here lays it out: 256 slots in one direct buffer
 * aligned to a 4 KiB page, each slot starting on its own cache line (stride = payload rounded up to
 * 64 B), so that no two slots share a line and producer and consumer never write one line for two
 * different payloads. Also the payload template the producer copies from (a direct buffer) and the
 * sequence stamp it writes over the template's first 8 bytes.
 */
final class Slab {
  /** Slots, as many as the ring benchmark's queue has descriptors. */
  static final int SLOTS = 256;
  /** A cache line on the machines measured here. */
  static final int LINE = 64;

  private Slab() {}

  /**
   * The slot stride for a payload size.
   *
   * @param payload bytes per payload
   * @return payload rounded up to a whole number of cache lines
   */
  static int stride(int payload) {
    return (payload + LINE - 1) & -LINE;
  }

  /**
   * A page-aligned direct buffer for {@link #SLOTS} slots.
   *
   * @param payload bytes per payload
   * @return the slab
   */
  static ByteBuffer allocate(int payload) {
    return ByteBuffer.allocateDirect(SLOTS * stride(payload) + 4096).alignedSlice(4096);
  }

  /**
   * A direct buffer of {@code bytes} that starts on a cache line and shares none of its lines with
   * any other allocation: for a buffer one side alone touches, such as the producer's template or
   * the consumer's copy. {@code ByteBuffer.allocateDirect} takes its memory from {@code malloc},
   * which starts two small buffers allocated one after the other 80 bytes apart (a 16-byte header
   * between them): the producer's 64-byte template and the consumer's 64-byte buffer then share a
   * line in a third or more of JVMs, that line moves between the cores twice per payload, and the
   * benchmark runs at about 0.45-0.7x its rate (benchmarks/README.md, session s57).
   *
   * @param bytes capacity
   * @return a buffer of that capacity on lines of its own
   */
  static ByteBuffer own(int bytes) {
    return ByteBuffer.allocateDirect(stride(bytes) + LINE).alignedSlice(LINE).slice(0, bytes);
  }

  /**
   * The bytes a producer copies into each slot before stamping it, on lines of its own ({@link
   * #own}).
   *
   * @param payload bytes
   * @return a direct buffer holding 0, 1, 2, ...
   */
  static ByteBuffer template(int payload) {
    ByteBuffer t = own(payload);
    for (int i = 0; i < payload; i++) {
      t.put(i, (byte) i);
    }
    return t;
  }
}
