package net.vdpa.testkit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortEnd;

/**
 * The far end of a cable for tests of a provider's ports: it keeps every frame it is handed, counts
 * how often it is told it was unplugged or that the port made room, and can refuse frames or
 * answer that it is full.
 */
public final class RecordingPortEnd implements PortEnd {
  private final String name;
  private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  /** How often {@link #unplugged} was called. */
  public final AtomicInteger unplugs = new AtomicInteger();
  /** Whether {@link #receive} takes frames (true) or drops them. */
  public volatile boolean taking = true;
  /** Whether {@link #offer} answers {@link Delivery#FULL} (and keeps nothing). */
  public volatile boolean full;
  /** How often the port told this end it has made room ({@link #roomMade}). */
  public final Semaphore roomMade = new Semaphore(0);

  /**
   * An end named as a port.
   *
   * @param name the port name it shows
   */
  public RecordingPortEnd(String name) {
    this.name = name;
  }

  @Override
  public String port() {
    return name;
  }

  @Override
  public boolean receive(ByteBuffer frame) {
    if (!taking) {
      return false;
    }
    byte[] b = new byte[frame.remaining()];
    frame.duplicate().get(b);
    frames.add(b);
    return true;
  }

  @Override
  public Delivery offer(ByteBuffer frame) {
    if (full) {
      return Delivery.FULL;
    }
    return receive(frame) ? Delivery.TAKEN : Delivery.DROPPED;
  }

  @Override
  public void roomMade() {
    roomMade.release();
  }

  @Override
  public void unplugged() {
    unplugs.incrementAndGet();
  }

  /**
   * The next frame handed over, waiting up to a timeout.
   *
   * @param millis the timeout
   * @return the frame, or null
   * @throws InterruptedException if interrupted
   */
  public byte[] next(long millis) throws InterruptedException {
    return frames.poll(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Hands a frame to a port's end, as this far end's sender would.
   *
   * @param to the port's end
   * @param frame the frame's bytes
   * @return what the port's end answered
   */
  public static boolean send(PortEnd to, byte[] frame) {
    return to.receive(ByteBuffer.wrap(frame));
  }

  /**
   * Offers a frame to a port's end, as this far end's sender would with back-pressure.
   *
   * @param to the port's end
   * @param frame the frame's bytes
   * @return what the port's end answered
   */
  public static Delivery offer(PortEnd to, byte[] frame) {
    return to.offer(ByteBuffer.wrap(frame));
  }

  /**
   * What {@link #offerUntilFull} offered.
   *
   * @param taken the frames the port took, in order
   * @param held the frame it answered {@link Delivery#FULL} to, or {@code null} if it never did
   */
  public record Offered(List<byte[]> taken, byte[] held) {}

  /**
   * Offers frames to a port's end until it answers {@link Delivery#FULL}, as a far end's sender
   * facing a stalled receiver would.
   *
   * @param to the port's end
   * @param frame makes the i-th frame (0, 1, ...)
   * @param max how many to offer at most
   * @return the frames taken and the one held
   */
  public static Offered offerUntilFull(PortEnd to, IntFunction<byte[]> frame, int max) {
    List<byte[]> taken = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      byte[] f = frame.apply(i);
      if (offer(to, f) == Delivery.FULL) {
        return new Offered(taken, f);
      }
      taken.add(f);
    }
    return new Offered(taken, null);
  }
}
