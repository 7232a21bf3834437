package net.vdpa.benchmarks.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import net.vdpa.api.net.FrameReceiver;

/**
 * The benchmark's receiver: counts the frames each queue pair delivers, and the ones whose length
 * is not the length sent. Each pair's counters are written by one thread at a time, under the
 * interface's receive lock of that pair: the device's worker ({@code rx=push}), or the pair's
 * sender and, at the end, the teardown ({@code rx=poll}); so a plain increment published with an
 * opaque store is enough; they sit 128 bytes apart so two pairs never share a cache line.
 * Read from any thread with {@link #received} and {@link #wrongLength}.
 */
final class RxCounters implements FrameReceiver {
  /** Longs between two pairs' counters: 128 bytes, two cache lines (adjacent-line prefetch). */
  private static final int STRIDE = 16;
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

  /** Slot {@code (pair + 1) * STRIDE}: frames; the next slot: frames of the wrong length. */
  private final long[] counts;
  private final int expectedLength;

  /**
   * Counters for {@code pairs} queue pairs.
   *
   * @param pairs the queue pairs
   * @param expectedLength the length of every frame sent
   */
  RxCounters(int pairs, int expectedLength) {
    this.counts = new long[(pairs + 2) * STRIDE];
    this.expectedLength = expectedLength;
  }

  @Override
  public void receive(int queuePair, ByteBuffer frame) {
    final int i = (queuePair + 1) * STRIDE;
    final long[] c = counts;
    // single writer per pair: plain read of its own slot, opaque store so readers see progress
    COUNT.setOpaque(c, i, c[i] + 1);
    if (frame.remaining() != expectedLength) {
      COUNT.setOpaque(c, i + 1, c[i + 1] + 1);
    }
  }

  /**
   * Frames received on a pair so far.
   *
   * @param pair the queue pair
   * @return the count
   */
  long received(int pair) {
    return (long) COUNT.getOpaque(counts, (pair + 1) * STRIDE);
  }

  /**
   * Frames received on a pair whose length was not the length sent.
   *
   * @param pair the queue pair
   * @return the count
   */
  long wrongLength(int pair) {
    return (long) COUNT.getOpaque(counts, (pair + 1) * STRIDE + 1);
  }
}
