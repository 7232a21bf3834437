package net.vdpa.device.core.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes frames to a classic pcap file (magic {@code 0xa1b2c3d4},
 * version 2.4, snaplen 65535, link type 1 Ethernet, microsecond timestamps), as Wireshark and
 * tshark read it: what a simulated NIC's port or a SmartNIC's uplink transmits when plugged into a
 * capture. Records are gathered in a direct buffer and written by {@link #flush} (at the end of
 * each transmit batch), so a reader sees every frame once the batch is done.
 *
 * <p>Thread-safe: queue pair workers append under this object's lock.
 */
public final class PcapWriter {
  /** The pcap magic number, written in the file's byte order (little-endian here). */
  public static final int MAGIC = 0xa1b2c3d4;
  /** Largest bytes kept per frame. */
  public static final int SNAPLEN = 65535;
  /** LINKTYPE_ETHERNET. */
  public static final int LINKTYPE_ETHERNET = 1;
  private static final int GLOBAL_HEADER = 24;
  private static final int RECORD_HEADER = 16;
  private static final int BUFFER = 256 * 1024;

  private final Path file;
  /** Guarded by {@code this}. */
  private final FileChannel channel;
  /** Records not yet written; guarded by {@code this}. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private final long startMicros;
  private final long startNanos;
  /** Guarded by {@code this}. */
  private boolean closed;
  /** Guarded by {@code this}. */
  private long frames;

  /**
   * Opens the file and makes sure it starts with the global header.
   *
   * @param file the capture file
   * @param append false to create or truncate it (a new capture); true to add to a capture this
   *     class wrote before (a capture restored after a restart), creating it if it is missing or
   *     empty
   * @throws IOException if it cannot be written, or (appending) it holds something else than a
   *     classic little-endian Ethernet pcap file
   */
  public PcapWriter(Path file, boolean append) throws IOException {
    this.file = file;
    this.channel = append
        ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    this.startMicros = System.currentTimeMillis() * 1000;
    this.startNanos = System.nanoTime();
    buffer.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
        .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
    try {
      if (append && channel.size() > 0) {
        checkHeader();
        buffer.clear();
        channel.position(channel.size());
      } else {
        writeOut();
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  /** Appending: the file must start with the header this class writes (now in the buffer). */
  private void checkHeader() throws IOException {
    ByteBuffer have = ByteBuffer.allocate(GLOBAL_HEADER);
    while (have.hasRemaining() && channel.read(have, have.position()) > 0) {
      // read until the header is complete or the file ends
    }
    buffer.flip();
    have.flip();
    if (have.remaining() < GLOBAL_HEADER || !have.equals(buffer)) {
      throw new IOException("it is not a pcap file this capture can add to (expected an Ethernet pcap header, "
          + "little-endian, snaplen " + SNAPLEN + ")");
    }
  }

  /**
   * Appends a frame's record (any thread; no allocation).
   *
   * @param frame the frame, read from its start
   * @return true if written to the buffer; false if the file is closed or failed
   */
  public synchronized boolean write(Frame frame) {
    if (closed) {
      return false;
    }
    final int len = frame.length();
    final int kept = Math.min(len, SNAPLEN);
    if (buffer.remaining() < RECORD_HEADER + kept && !flushLocked()) {
      return false;
    }
    final long micros = startMicros + (System.nanoTime() - startNanos) / 1000;
    final int at = buffer.position();
    buffer.putInt(at, (int) (micros / 1_000_000));
    buffer.putInt(at + 4, (int) (micros % 1_000_000));
    buffer.putInt(at + 8, kept);
    buffer.putInt(at + 12, len);
    frame.rewind();
    frame.read(buffer, at + RECORD_HEADER, kept);
    buffer.position(at + RECORD_HEADER + kept);
    frames++;
    return true;
  }

  /** Writes the buffered records to the file (a failure closes it: later frames are refused). */
  public synchronized void flush() {
    flushLocked();
  }

  private boolean flushLocked() {
    if (closed) {
      return false;
    }
    try {
      writeOut();
      return true;
    } catch (IOException e) {
      closeLocked();
      return false;
    }
  }

  private void writeOut() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  /**
   * Frames written so far.
   *
   * @return the count
   */
  public synchronized long frames() {
    return frames;
  }

  /**
   * The capture file.
   *
   * @return its path
   */
  public Path file() {
    return file;
  }

  /** Writes what is buffered and closes the file; later frames are refused. */
  public synchronized void close() {
    if (!closed) {
      flushLocked();
      closeLocked();
    }
  }

  private void closeLocked() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to write to; the frames written so far stay in the file
    }
  }
}
