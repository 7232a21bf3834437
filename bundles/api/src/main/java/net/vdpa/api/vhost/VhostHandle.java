package net.vdpa.api.vhost;

import java.nio.ByteBuffer;
import java.util.List;
import net.vdpa.api.IovaRange;
import net.vdpa.api.VqCallback;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open vhost-vdpa device: the ioctls of {@code linux/vhost.h} as methods. Obtained from {@link
 * VhostVdpa#open}; exclusive until {@link #close()}.
 *
 * <p>As in Linux, {@link #setOwner()} comes first: every other operation except the read-only
 * ones ({@link #getFeatures()}, {@link #getDeviceId()}, {@link #getVqCount()}, {@link
 * #getIovaRange()}) throws {@link IllegalStateException} until it has been called. Ring addresses
 * and descriptor addresses are I/O virtual addresses, translated through the mappings made with
 * {@link #iotlb(List)}.
 *
 * <p>Once the driver revokes the handle (device unbound or deleted, driver stopped), every operation
 * throws {@link IllegalStateException} saying so. Calls are serialised by the handle.
 */
@ProviderType
public interface VhostHandle extends AutoCloseable {

  /**
   * Takes ownership of the device for this handle ({@code VHOST_SET_OWNER}).
   *
   * @throws IllegalStateException if the handle already owns it
   */
  void setOwner();

  /**
   * Gives up ownership ({@code VHOST_RESET_OWNER}): the device is reset, its mappings and ring
   * callbacks are forgotten. {@link #setOwner()} may be called again.
   */
  void resetOwner();

  /**
   * The features the device offers ({@code VHOST_GET_FEATURES}).
   *
   * @return the 64 feature bits
   */
  long getFeatures();

  /**
   * Acknowledges features ({@code VHOST_SET_FEATURES}).
   *
   * @param features a subset of {@link #getFeatures()}
   * @throws IllegalArgumentException if a bit was not offered (the message names it)
   */
  void setFeatures(long features);

  /**
   * The virtio device id ({@code VHOST_VDPA_GET_DEVICE_ID}).
   *
   * @return 1 for net, 2 for block, ...
   */
  int getDeviceId();

  /**
   * The number of virtqueues ({@code VHOST_VDPA_GET_VQS_COUNT}).
   *
   * @return at least 1
   */
  int getVqCount();

  /**
   * The largest ring size ({@code VHOST_VDPA_GET_VRING_NUM}).
   *
   * @return a power of two
   */
  int getVringNumMax();

  /**
   * The IOVA range the device translates ({@code VHOST_VDPA_GET_IOVA_RANGE}).
   *
   * @return the range
   */
  IovaRange getIovaRange();

  /**
   * The virtio status byte ({@code VHOST_VDPA_GET_STATUS}).
   *
   * @return the status
   */
  int getStatus();

  /**
   * Writes the virtio status byte ({@code VHOST_VDPA_SET_STATUS}); 0 resets the device.
   *
   * @param status the new status
   * @throws IllegalStateException if the device refuses the transition (the message says why)
   */
  void setStatus(int status);

  /**
   * Reads the device config space ({@code VHOST_VDPA_GET_CONFIG}).
   *
   * @param offset where to start
   * @param dst where the bytes go, position to limit
   * @throws IndexOutOfBoundsException if the span leaves the config space
   */
  void getConfig(int offset, ByteBuffer dst);

  /**
   * Writes the device config space ({@code VHOST_VDPA_SET_CONFIG}).
   *
   * @param offset where to start
   * @param src the bytes, position to limit
   * @throws UnsupportedOperationException if the config space is read-only
   */
  void setConfig(int offset, ByteBuffer src);

  /**
   * Sets a ring's size ({@code VHOST_SET_VRING_NUM}).
   *
   * @param idx ring index
   * @param num the size
   * @throws IllegalArgumentException if the index or size is out of range (the message names it)
   */
  void setVringNum(int idx, int num);

  /**
   * Sets a ring's addresses ({@code VHOST_SET_VRING_ADDR}), I/O virtual addresses.
   *
   * @param idx ring index
   * @param desc the descriptor table
   * @param avail the available ring (driver area)
   * @param used the used ring (device area)
   */
  void setVringAddr(int idx, long desc, long avail, long used);

  /**
   * Sets where a ring resumes ({@code VHOST_SET_VRING_BASE}): the next available index to read.
   *
   * @param idx ring index
   * @param base a 16-bit index
   */
  void setVringBase(int idx, int base);

  /**
   * Reads where a ring stands ({@code VHOST_GET_VRING_BASE}): the next available index the device
   * will read.
   *
   * @param idx ring index
   * @return a 16-bit index
   */
  int getVringBase(int idx);

  /**
   * Tells the device a ring has new buffers (in-process form of writing the {@code
   * VHOST_SET_VRING_KICK} eventfd). Never blocks; allocates nothing.
   *
   * @param idx ring index
   */
  void kick(int idx);

  /**
   * Sets what is called when the device used buffers on a ring (in-process form of {@code
   * VHOST_SET_VRING_CALL}).
   *
   * @param idx ring index
   * @param call the callback, or null for none
   */
  void setVringCall(int idx, VqCallback call);

  /**
   * Enables or disables a ring ({@code VHOST_VDPA_SET_VRING_ENABLE}).
   *
   * @param idx ring index
   * @param enable true to enable
   */
  void setVringEnable(int idx, boolean enable);

  /**
   * Applies a batch of IOTLB messages in order ({@code VHOST_IOTLB_BATCH_BEGIN}, the messages,
   * {@code VHOST_IOTLB_BATCH_END}). If one fails, those before it stay applied and the exception
   * names the failing message's index and address.
   *
   * @param batch the messages
   * @throws IllegalArgumentException if a message is refused
   */
  void iotlb(List<IotlbMsg> batch);

  /**
   * Closes the handle (the {@code close} of the character device): the device is reset, every
   * mapping removed, and the device is free for the next owner. Idempotent.
   */
  @Override
  void close();
}
