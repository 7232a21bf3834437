package net.vdpa.ring;

/** Placeholder replaced by the ring work. */
public final class RingIndex {
  private RingIndex() {}
}
