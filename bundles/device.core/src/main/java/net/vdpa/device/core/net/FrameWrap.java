package net.vdpa.device.core.net;

import java.nio.ByteBuffer;

/**
 * Turns the frames another provider's port hands over as a {@link ByteBuffer} into a
 * {@link Frame} of the receiving thread (one reused per thread, no allocation after its first),
 * for the receiving side of a {@link net.vdpa.api.port.PortEnd}.
 */
public final class FrameWrap {
  private final ThreadLocal<Frame> frames = ThreadLocal.withInitial(Frame::new);

  /**
   * The bytes between the buffer's position and limit as a frame of the calling thread, valid
   * until this thread wraps the next one.
   *
   * @param b the frame's bytes (not copied)
   * @return the frame
   */
  public Frame wrap(ByteBuffer b) {
    final Frame f = frames.get();
    f.clear();
    if (b.hasRemaining()) {
      f.add(b, b.position(), b.remaining());
    }
    return f;
  }
}
