package net.vdpa.api.vhost;

import java.nio.ByteBuffer;

/**
 * One IOTLB message of a batch ({@code struct vhost_iotlb_msg}): map memory at an I/O virtual
 * address, or remove a mapping.
 *
 * @param type {@link Type#UPDATE} or {@link Type#INVALIDATE}
 * @param iova the first I/O virtual address
 * @param size bytes: for an update, the memory's remaining bytes; for an invalidate, the size the
 *     mapping was made with
 * @param memory for an update, direct memory from its position to its limit; null for an
 *     invalidate
 * @param perm for an update, {@code VdpaDevice.DMA_READ}, {@code DMA_WRITE} or {@code
 *     DMA_READ_WRITE}; 0 for an invalidate
 */
public record IotlbMsg(Type type, long iova, long size, ByteBuffer memory, int perm) {

  /** What an IOTLB message does. */
  public enum Type {
    /** Map memory ({@code VHOST_IOTLB_UPDATE}). */
    UPDATE,
    /** Remove a mapping ({@code VHOST_IOTLB_INVALIDATE}). */
    INVALIDATE
  }

  /** Checks that the fields fit the type. */
  public IotlbMsg {
    if (type == null) {
      throw new IllegalArgumentException("iotlb message type is null");
    }
    if (type == Type.UPDATE) {
      if (memory == null || !memory.isDirect()) {
        throw new IllegalArgumentException("iotlb update at 0x" + Long.toHexString(iova) + " needs direct memory, got "
            + memory);
      }
      if (size != memory.remaining()) {
        throw new IllegalArgumentException("iotlb update size " + size + " is not the memory's " + memory.remaining()
            + " remaining bytes");
      }
    }
    if (size <= 0) {
      throw new IllegalArgumentException("iotlb message size " + size + " is not positive");
    }
  }

  /**
   * An update: map {@code memory} at {@code iova}.
   *
   * @param iova the first I/O virtual address
   * @param memory direct memory, position to limit
   * @param perm the DMA permission
   * @return the message
   */
  public static IotlbMsg update(long iova, ByteBuffer memory, int perm) {
    return new IotlbMsg(Type.UPDATE, iova, memory == null ? 0 : memory.remaining(), memory, perm);
  }

  /**
   * An invalidate: remove the mapping of {@code size} bytes at {@code iova}.
   *
   * @param iova where the mapping starts
   * @param size its size
   * @return the message
   */
  public static IotlbMsg invalidate(long iova, long size) {
    return new IotlbMsg(Type.INVALIDATE, iova, size, null, 0);
  }
}
