package net.vdpa.remote;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.remote.EventBatch;
import net.vdpa.api.remote.RuntimeEvent;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

/**
 * The latest bus events of this runtime ({@link VdpaRuntime#EVENTS_KEPT} of them), numbered, for
 * {@link VdpaRuntime#events}: registered as an Event Admin handler of {@code net/vdpa/*} while
 * remote management is on, read by the other runtimes' long polls. Safe from any thread.
 */
final class EventJournal implements EventHandler {
  /** The longest a poll waits, whatever it asks: a held call also holds one of the provider's threads. */
  static final long MAX_WAIT_MS = 30_000;

  private final int capacity;
  private final ArrayDeque<RuntimeEvent> kept;
  /** The sequence number of the latest event (0 before the first). */
  private long seq;

  EventJournal() {
    this(VdpaRuntime.EVENTS_KEPT);
  }

  EventJournal(int capacity) {
    this.capacity = capacity;
    this.kept = new ArrayDeque<>(capacity);
  }

  @Override
  public void handleEvent(Event event) {
    Map<String, Object> props = new TreeMap<>();
    for (String key : event.getPropertyNames()) {
      Object v = event.getProperty(key);
      // Event Admin adds event.topics; the bus's own keys hold strings and booleans
      if (!key.equals("event.topics") && (v instanceof String || v instanceof Boolean)) {
        props.put(key, v);
      }
    }
    synchronized (this) {
      RuntimeEvent e = new RuntimeEvent(seq + 1, event.getTopic(), props);
      seq++;
      if (kept.size() == capacity) {
        kept.removeFirst();
      }
      kept.addLast(e);
      notifyAll();
    }
  }

  /**
   * The events after {@code after}, waiting up to {@code waitMs} (at most {@link #MAX_WAIT_MS})
   * for the first when there are none yet.
   *
   * @param after the caller's position; below 0 for the position only
   * @param waitMs how long to wait
   * @return the batch
   * @throws InterruptedException if the waiting thread is interrupted
   */
  synchronized EventBatch since(long after, long waitMs) throws InterruptedException {
    if (after < 0) {
      return new EventBatch(seq, List.of(), 0);
    }
    if (after > seq) {
      throw new IllegalArgumentException("event position " + after + " lies beyond the latest event, " + seq
          + " (the runtime restarted: follow it from a negative position)");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(Math.max(0, waitMs), MAX_WAIT_MS));
    long left;
    while (seq == after && (left = deadline - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    List<RuntimeEvent> out = new ArrayList<>();
    long oldest = kept.isEmpty() ? seq + 1 : kept.peekFirst().seq();
    for (RuntimeEvent e : kept) {
      if (e.seq() > after) {
        out.add(e);
      }
    }
    return new EventBatch(seq, out, Math.max(0, oldest - after - 1));
  }
}
