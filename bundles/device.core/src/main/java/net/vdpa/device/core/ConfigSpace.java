package net.vdpa.device.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's config space: little-endian bytes of a fixed size and a generation counter that moves
 * whenever the device changes them, so that a driver reading across a change notices (virtio 1.2
 * §2.5.1). The device kind lays its fields out with {@link #update}.
 *
 * <p>Thread-safe: reads and updates hold this object's monitor.
 */
@ProviderType
public final class ConfigSpace {
  private final ByteBuffer bytes;
  private final String what;
  private int generation;

  /**
   * An all-zero config space.
   *
   * @param size its size in bytes
   * @param what what it is, for messages (such as {@code virtio-net})
   */
  public ConfigSpace(int size, String what) {
    this.bytes = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    this.what = what;
  }

  /** A change to the bytes. */
  @FunctionalInterface
  public interface Change {
    /**
     * Changes the bytes.
     *
     * @param bytes the config space (absolute puts)
     * @return true if something changed (the generation then moves)
     */
    boolean apply(ByteBuffer bytes);
  }

  /**
   * The size.
   *
   * @return bytes
   */
  public int size() {
    return bytes.capacity();
  }

  /**
   * Copies bytes out.
   *
   * @param offset where to start
   * @param dst receives {@code dst.remaining()} bytes
   * @throws IndexOutOfBoundsException naming the range if it leaves the config space
   */
  public synchronized void read(int offset, ByteBuffer dst) {
    int n = dst.remaining();
    if (offset < 0 || n > bytes.capacity() - offset) {
      throw new IndexOutOfBoundsException("config read of " + n + " bytes at offset " + offset + " leaves the "
          + bytes.capacity() + "-byte " + what + " config space");
    }
    dst.put(bytes.slice(offset, n));
  }

  /**
   * Changes the bytes; the generation moves if the change says so.
   *
   * @param change what to do
   * @return whether something changed
   */
  public synchronized boolean update(Change change) {
    boolean changed = change.apply(bytes);
    if (changed) {
      generation++;
    }
    return changed;
  }

  /**
   * Sets the bytes without moving the generation (initial layout, before any driver reads).
   *
   * @param layout puts the initial values
   */
  public synchronized void init(java.util.function.Consumer<ByteBuffer> layout) {
    layout.accept(bytes);
  }

  /**
   * Reads a value under the monitor.
   *
   * @param <T> what is read
   * @param reader reads from the bytes (absolute gets)
   * @return its result
   */
  public synchronized <T> T get(java.util.function.Function<ByteBuffer, T> reader) {
    return reader.apply(bytes);
  }

  /**
   * The generation.
   *
   * @return a counter that moves at each change
   */
  public synchronized int generation() {
    return generation;
  }
}
