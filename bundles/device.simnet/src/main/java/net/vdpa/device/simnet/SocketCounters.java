package net.vdpa.device.simnet;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.api.port.SocketStats;

/**
 * The counters of one socket wire, in one preallocated array: counting allocates nothing, from any
 * thread (queue pair workers transmit, the wire's receive thread receives).
 */
final class SocketCounters {
  private static final int TX_FRAMES = 0;
  private static final int TX_BYTES = 1;
  private static final int RX_FRAMES = 2;
  private static final int RX_BYTES = 3;
  private static final int CONNECTS = 4;
  private static final int DISCONNECTS = 5;
  private static final int DROPS = 6;
  private static final SocketDrop[] REASONS = SocketDrop.values();

  private final AtomicLongArray c = new AtomicLongArray(DROPS + REASONS.length);

  void sent(long frames, long bytes) {
    c.addAndGet(TX_FRAMES, frames);
    c.addAndGet(TX_BYTES, bytes);
  }

  void received(int bytes) {
    c.incrementAndGet(RX_FRAMES);
    c.addAndGet(RX_BYTES, bytes);
  }

  void drop(SocketDrop reason) {
    c.incrementAndGet(DROPS + reason.ordinal());
  }

  void drop(SocketDrop reason, long frames) {
    c.addAndGet(DROPS + reason.ordinal(), frames);
  }

  void connected() {
    c.incrementAndGet(CONNECTS);
  }

  void disconnected() {
    c.incrementAndGet(DISCONNECTS);
  }

  long drops(SocketDrop reason) {
    return c.get(DROPS + reason.ordinal());
  }

  /**
   * The counters now.
   *
   * @param peer the peer's address now, or null
   * @return a snapshot
   */
  SocketStats snapshot(String peer) {
    Map<SocketDrop, Long> drops = new EnumMap<>(SocketDrop.class);
    for (SocketDrop d : REASONS) {
      drops.put(d, drops(d));
    }
    return new SocketStats(peer, c.get(TX_FRAMES), c.get(TX_BYTES), c.get(RX_FRAMES), c.get(RX_BYTES), c.get(CONNECTS),
        c.get(DISCONNECTS), drops);
  }
}
