package net.vdpa.api.blk;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A block device, the class a block driver publishes once it holds a device (Linux's gendisk, such
 * as {@code vda}). Registered as a service with {@link #PROP_NAME} and {@link #PROP_DEVICE}; the
 * service goes away before the device is reset, and every request still outstanding then completes
 * with {@link BlockStatus#DOWN}: none is left hanging.
 *
 * <p>Requests are asynchronous and per queue: a submission copies what it must and returns at once;
 * the {@link Completion} runs later on the device's thread with the caller's tag (so a caller needs
 * no object per request). A full queue answers {@link Submit#BUSY}: submit again after a completion.
 * Offsets and lengths are bytes, whole {@link #blockSize()} blocks.
 */
@ProviderType
public interface BlockDevice {
  /** Service property: the block device's name. */
  String PROP_NAME = "blk.name";
  /** Service property: the vDPA device it sits on. */
  String PROP_DEVICE = "vdpa.device.name";

  /** What became of a submission. */
  enum Submit {
    /** Queued; its completion will run. */
    QUEUED,
    /** The queue is full; nothing was queued. */
    BUSY,
    /** Not whole blocks, past the end, longer than {@link #maxTransfer()}, or a write to a read-only device; nothing was queued. */
    INVALID,
    /** The device is going or gone; nothing was queued. */
    DOWN
  }

  /** How a request ended. */
  enum BlockStatus {
    /** Done. */
    OK,
    /** The device failed it. */
    IOERR,
    /** The device does not support it. */
    UNSUPP,
    /** The device went away before it completed. */
    DOWN
  }

  /** Called once per queued request, on the device's thread; must not block. */
  @FunctionalInterface
  interface Completion {
    /**
     * A request ended.
     *
     * @param tag the caller's tag given at submission
     * @param status how it ended
     */
    void done(long tag, BlockStatus status);
  }

  /**
   * The block device's name, for example {@code vda}.
   *
   * @return the name
   */
  String name();

  /**
   * The vDPA device it sits on.
   *
   * @return the device name
   */
  String device();

  /**
   * The size.
   *
   * @return bytes
   */
  long capacity();

  /**
   * The logical block size.
   *
   * @return bytes, 512 or more
   */
  int blockSize();

  /**
   * The longest read or write one request carries.
   *
   * @return bytes
   */
  int maxTransfer();

  /**
   * Whether writes are refused.
   *
   * @return true if read-only
   */
  boolean readOnly();

  /**
   * The request queues, each with its own submissions and completions.
   *
   * @return 1 or more
   */
  int queues();

  /**
   * Reads into {@code dst} (its remaining bytes, whole blocks); the bytes are there when the
   * completion runs with {@link BlockStatus#OK}. {@code dst} must not be touched until then.
   *
   * @param queue the queue
   * @param offset where on the device
   * @param dst where to, its remaining bytes
   * @param tag handed back to the completion
   * @param done the completion
   * @return what became of it
   */
  Submit read(int queue, long offset, ByteBuffer dst, long tag, Completion done);

  /**
   * Writes {@code src}'s remaining bytes (whole blocks); copied before this returns.
   *
   * @param queue the queue
   * @param offset where on the device
   * @param src what to write
   * @param tag handed back to the completion
   * @param done the completion
   * @return what became of it
   */
  Submit write(int queue, long offset, ByteBuffer src, long tag, Completion done);

  /**
   * Makes every write completed before it durable.
   *
   * @param queue the queue
   * @param tag handed back to the completion
   * @param done the completion
   * @return what became of it
   */
  Submit flush(int queue, long tag, Completion done);

  /**
   * The longest range one {@link #discard} may cover, in bytes.
   *
   * @return whole blocks; 0 if the device does not offer DISCARD (then discard answers INVALID)
   */
  long maxDiscard();

  /**
   * The longest range one {@link #writeZeroes} may cover, in bytes.
   *
   * @return whole blocks; 0 if the device does not offer WRITE_ZEROES (then writeZeroes answers INVALID)
   */
  long maxWriteZeroes();

  /**
   * Tells the device that a range's contents are no longer needed (DISCARD, the kernel's
   * {@code BLKDISCARD}); what reads of it return afterwards is the device's choice (the simulated
   * disk reads zeros).
   *
   * @param queue the queue
   * @param offset where on the device, whole blocks
   * @param length how many bytes, whole blocks, 1 to {@link #maxDiscard()}
   * @param tag handed back to the completion
   * @param done the completion
   * @return what became of it (INVALID for a read-only device or a range that does not fit)
   */
  Submit discard(int queue, long offset, long length, long tag, Completion done);

  /**
   * Makes a range read as zeros (WRITE_ZEROES) without sending the zeros.
   *
   * @param queue the queue
   * @param offset where on the device, whole blocks
   * @param length how many bytes, whole blocks, 1 to {@link #maxWriteZeroes()}
   * @param unmap whether the device may deallocate the range instead of writing zeros
   * @param tag handed back to the completion
   * @param done the completion
   * @return what became of it (INVALID for a read-only device or a range that does not fit)
   */
  Submit writeZeroes(int queue, long offset, long length, boolean unmap, long tag, Completion done);

  /**
   * Plugs a queue, as Linux's {@code blk_start_plug}: requests submitted on it are put on the ring at
   * once, but the device is not notified of them until the last {@link #unplug}, so a batch of
   * submissions costs one notification instead of one each. Plugs are counted per queue (any
   * thread's plug holds the queue) and must be undone, in a {@code finally}: a device that sleeps
   * while its queue is plugged does not see the requests put there.
   *
   * @param queue the queue
   * @throws IllegalArgumentException if there is no such queue
   */
  void plug(int queue);

  /**
   * Undoes one {@link #plug}; the last one notifies the device of what was submitted meanwhile.
   *
   * @param queue the queue
   * @throws IllegalArgumentException if there is no such queue
   * @throws IllegalStateException if the queue is not plugged
   */
  void unplug(int queue);

  /**
   * Counters since the device was bound.
   *
   * @return read and write requests and bytes, flushes, errors
   */
  BlockStats stats();

  /**
   * Counters of one request queue since the device was bound; {@link #stats()} is their sum.
   *
   * @param queue the queue, 0 to {@link #queues()} - 1
   * @return what that queue carried
   * @throws IllegalArgumentException if there is no such queue
   */
  BlockStats stats(int queue);
}
