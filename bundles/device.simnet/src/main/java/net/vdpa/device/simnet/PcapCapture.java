package net.vdpa.device.simnet;

import java.io.IOException;
import java.nio.file.Path;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.PcapWriter;

/**
 * A wire that writes every transmitted frame to a pcap file ({@link PcapWriter}), flushed at the
 * end of each transmit batch.
 */
final class PcapCapture implements Wire {
  private final PcapWriter writer;

  /**
   * Opens the file.
   *
   * @param file the capture file
   * @param append false for a new capture, true to add to one written before (see {@link PcapWriter})
   * @throws IOException if it cannot be written or holds something else
   */
  PcapCapture(Path file, boolean append) throws IOException {
    this.writer = new PcapWriter(file, append);
  }

  @Override
  public Carry transmit(Port from, QueuePairWorker worker, Frame frame) {
    return writer.write(frame) ? Carry.TAKEN : Carry.DROPPED;
  }

  @Override
  public void flush() {
    writer.flush();
  }

  /**
   * Frames written so far.
   *
   * @return the count
   */
  long frames() {
    return writer.frames();
  }

  @Override
  public String describe(Port self) {
    return "capture " + writer.file();
  }

  @Override
  public void close() {
    writer.close();
  }
}
