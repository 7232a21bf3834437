package net.vdpa.device.simnet;

import net.vdpa.device.core.net.Frame;

/**
 * What a port is plugged into: it carries the frames a queue pair transmits. Implementations are
 * called from worker threads, several at once (one per queue pair), and must not allocate.
 */
interface Wire {
  /**
   * Carries one frame.
   *
   * @param from the transmitting port
   * @param worker the transmitting queue pair's worker
   * @param frame the frame (segments valid only during the call)
   * @return {@link Carry#TAKEN}, {@link Carry#DROPPED}, or {@link Carry#FULL} to be offered the
   *     same frame again after {@link #drained}
   */
  Carry transmit(Port from, QueuePairWorker worker, Frame frame);

  /**
   * A receiving port's worker has taken frames out of a full inbox: wake the senders that were
   * told {@link Carry#FULL}.
   *
   * @param receiver the port that made room
   */
  default void drained(Port receiver) {}

  /**
   * Whether frames arrive from this wire into the port's inboxes (a cable, a socket), so that the
   * port must have them.
   *
   * @return true if the wire delivers into inboxes
   */
  default boolean delivers() {
    return false;
  }

  /**
   * Receives what arrived for a queue pair whose worker polls this wire itself (a UDP socket), at
   * most a batch, through {@link QueuePairWorker#receive} (that worker's thread).
   *
   * @param worker the polling worker
   * @return true if anything was received
   */
  default boolean poll(QueuePairWorker worker) {
    return false;
  }

  /**
   * The polling worker goes to sleep: have it kicked when something arrives.
   *
   * @param worker the worker
   * @return true if something is known to have arrived already
   */
  default boolean arm(QueuePairWorker worker) {
    return false;
  }

  /** Called after each transmit batch: make what was carried visible (a capture file flushes). */
  default void flush() {}

  /**
   * Describes the wire as seen from one of its ports, for {@code PortControl.wire}.
   *
   * @param self the port asking
   * @return {@code loopback}, {@code cable DEV} (and {@code (waiting for DEV)} while DEV is absent),
   *     {@code capture FILE}, {@code udp local A remote B}, {@code stream listen A} or
   *     {@code stream connect B}
   */
  String describe(Port self);

  /** The wire is unplugged: release what it holds (a capture closes its file). */
  default void close() {}
}
