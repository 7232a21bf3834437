package net.vdpa.api.remote;

import java.io.Serializable;
import java.util.List;

/**
 * What one {@link VdpaRuntime#events} call hands over: the events after the caller's position, in
 * order, and the position to ask from next.
 *
 * @param next the sequence number of the runtime's latest event: pass it as {@code after} next time
 * @param events the events after the position asked for, oldest first (empty when none came in the wait)
 * @param missed how many events after that position the runtime no longer holds (it keeps the
 *     latest {@link VdpaRuntime#EVENTS_KEPT}); 0 when nothing was lost
 * @since 1.2
 */
public record EventBatch(long next, List<RuntimeEvent> events, long missed) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Checks and copies.
   *
   * @throws IllegalArgumentException when a count is negative or an event lies beyond {@code next}
   */
  public EventBatch {
    if (next < 0 || missed < 0) {
      throw new IllegalArgumentException("event batch with next " + next + " and missed " + missed);
    }
    events = List.copyOf(events);
    for (RuntimeEvent e : events) {
      if (e.seq() > next) {
        throw new IllegalArgumentException("event " + e.seq() + " lies beyond the batch's position " + next);
      }
    }
  }
}
