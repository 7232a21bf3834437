package net.vdpa.device.core.net;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortEnd;

/**
 * The sending half of a cable to another provider's port ({@link PortEnd}): a frame is copied
 * (with its 802.1Q tag pushed or popped) into a direct buffer of the sending thread and handed to
 * the far end, which copies it on. Also keeps the rule that the far end hears {@link
 * PortEnd#unplugged} once, from whichever side goes first, and is never called after.
 *
 * <p>Thread-safe: {@link #send} runs on any number of worker threads (each has its own buffer);
 * {@link #close} and {@link #release} on the control plane.
 */
public final class ForeignCable {
  private final PortEnd far;
  private final ThreadLocal<ByteBuffer> scratch;
  private final AtomicBoolean open = new AtomicBoolean(true);

  /**
   * A cable to a far end.
   *
   * @param far the other provider's port end
   * @param maxFrame the largest frame this side sends, before a tag is pushed
   */
  public ForeignCable(PortEnd far, int maxFrame) {
    this.far = far;
    this.scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxFrame + 4));
  }

  /**
   * The far port's name.
   *
   * @return the name
   */
  public String peer() {
    return far.port();
  }

  /**
   * Whether neither side has unplugged yet.
   *
   * @return true while frames can cross
   */
  public boolean open() {
    return open.get();
  }

  /**
   * Hands a frame to the far end (a worker thread; no allocation once the thread has its buffer).
   *
   * @param frame the frame, read from its start
   * @param tag {@link FrameQueue#KEEP_TAG}, {@link FrameQueue#POP_TAG} or {@code 0x10000 | vid}
   * @return {@link Delivery#TAKEN}; {@link Delivery#FULL} if the far port's queue is full (hold the
   *     frame: the far end calls this side's {@link PortEnd#roomMade} once it has room); {@link
   *     Delivery#DROPPED} if it dropped it, it is too long, or the cable is unplugged
   */
  public Delivery send(final Frame frame, final int tag) {
    if (!open.get()) {
      return Delivery.DROPPED;
    }
    final ByteBuffer b = scratch.get();
    final int len = FrameQueue.taggedLength(frame, tag);
    if (len > b.capacity() || len < 14) {
      return Delivery.DROPPED;
    }
    // absolute writes respect the limit the previous frame left
    b.clear();
    FrameQueue.copy(frame, tag, b, len);
    b.limit(len);
    return far.offer(b);
  }

  /**
   * This side's port has made room after telling the far end {@link Delivery#FULL}: the far end's
   * senders go on (any thread; nothing once unplugged).
   */
  public void roomMade() {
    if (open.get()) {
      far.roomMade();
    }
  }

  /** This side unplugs (replugged, its device deleted, its bundle stopped): the far end hears it once. */
  public void close() {
    if (open.compareAndSet(true, false)) {
      far.unplugged();
    }
  }

  /**
   * The far end unplugged first: this side stops sending and does not call it back.
   *
   * @return true if the cable was open until now
   */
  public boolean release() {
    return open.compareAndSet(true, false);
  }
}
