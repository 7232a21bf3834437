package net.vdpa.device.simnet;

/** What a wire did with a frame. A return value, so the hot path throws and allocates nothing. */
enum Carry {
  /** Carried (or written to the capture file). */
  TAKEN,
  /** Lost: the link is down, the far end is absent or does not receive, the file failed. Counted as a tx drop. */
  DROPPED,
  /**
   * Not now: the far end's inbox is full. The sender keeps the frame in its transmit ring and tries
   * again once the far end has made room, so a slow receiver slows the sender down instead of
   * losing frames (back-pressure, as a real link's pause frames do).
   */
  FULL
}
