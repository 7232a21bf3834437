package net.vdpa.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device on the vDPA bus: something that speaks the virtio datapath, a simulator or an adapter
 * for a SmartNIC. This is the Java form of Linux's {@code vdpa_config_ops}.
 *
 * <p>A device bundle registers each device as a service of this type; the bus hands it to at most
 * one {@link VdpaDriver} at a time. The device never learns which driver holds it.
 *
 * <p><b>Threads.</b> Status, feature, config and queue set-up calls come from the driver that holds
 * the device, one at a time (the bus serialises probe and remove per device). {@link #kickVq} may
 * come from any thread. Callbacks are made on device threads.
 *
 * <p><b>Errors.</b> An operation the virtio specification forbids in the current state (writing
 * FEATURES_OK with features the device did not offer, clearing a status bit without a reset,
 * setting up a queue after DRIVER_OK) throws {@link IllegalStateException} or {@link
 * IllegalArgumentException} with a message that names the value and why it was refused. Operations
 * marked <em>optional</em> throw {@link UnsupportedOperationException} when the device lacks them;
 * their {@code supports...} companion says which.
 *
 * <p>Service properties a device should carry: {@link #PROP_NAME} and, when a management device
 * created it, {@link #PROP_MGMTDEV}.
 */
@ConsumerType
public interface VdpaDevice {

  /** Service property: the device name, unique on the bus (for example {@code vdpa0}). */
  String PROP_NAME = "vdpa.device.name";
  /** Service property: the handle of the management device that created the device. */
  String PROP_MGMTDEV = "vdpa.mgmtdev";

  /** Virtio device id of a network device. */
  int ID_NET = 1;
  /** Virtio device id of a block device. */
  int ID_BLOCK = 2;

  /** DMA permission: the device may read the mapped memory. */
  int DMA_READ = 1;
  /** DMA permission: the device may write the mapped memory. */
  int DMA_WRITE = 2;
  /** DMA permission: both. */
  int DMA_READ_WRITE = DMA_READ | DMA_WRITE;

  // ---- identity ----

  /**
   * The device name, unique on the bus; also the {@link #PROP_NAME} service property.
   *
   * @return the name, for example {@code vdpa0}
   */
  String name();

  /**
   * The virtio device id ({@code get_device_id}).
   *
   * @return {@link #ID_NET}, {@link #ID_BLOCK}, ...
   */
  int deviceId();

  /**
   * The virtio vendor id ({@code get_vendor_id}); 0 for the simulators.
   *
   * @return the vendor id
   */
  int vendorId();

  /**
   * The number of virtqueues the device has, data and control queues together.
   *
   * @return at least 1
   */
  int vqCount();

  /**
   * The largest queue size the device supports ({@code get_vq_num_max}).
   *
   * @return a power of two up to 32768
   */
  int vqNumMax();

  /**
   * The smallest queue size the device supports ({@code get_vq_num_min}). The bus refuses to probe
   * a device whose maximum is below its minimum.
   *
   * @return at least 1
   */
  default int vqNumMin() {
    return 1;
  }

  /**
   * The alignment the device needs for ring areas ({@code get_vq_align}).
   *
   * @return a power of two
   */
  default int vqAlign() {
    return 4096;
  }

  // ---- features ----

  /**
   * The feature bits the device offers ({@code get_device_features}).
   *
   * @return the 64 feature bits
   */
  long deviceFeatures();

  /**
   * Records the features the driver accepts ({@code set_driver_features}); allowed only before
   * FEATURES_OK.
   *
   * @param features a subset of {@link #deviceFeatures()}
   * @throws IllegalArgumentException if a bit was not offered (the message names it)
   * @throws IllegalStateException if FEATURES_OK is already set
   */
  void setDriverFeatures(long features);

  /**
   * The features the driver accepted ({@code get_driver_features}).
   *
   * @return the negotiated features, 0 before negotiation
   */
  long driverFeatures();

  // ---- status ----

  /**
   * The virtio status byte ({@code get_status}); see {@link VirtioStatus}.
   *
   * @return the status
   */
  int status();

  /**
   * Writes the status byte ({@code set_status}). Writing 0 resets the device.
   *
   * @param status the new status
   * @throws IllegalStateException if the transition is not allowed (the message says why)
   */
  void setStatus(int status);

  /**
   * Resets the device: status 0, queues stopped and forgotten, negotiated features cleared,
   * device threads stopped. Never fails; safe to call in any state and from any thread.
   */
  void reset();

  /**
   * Whether {@link #suspend()} and {@link #resume()} are implemented.
   *
   * @return true if they are
   */
  default boolean supportsSuspend() {
    return false;
  }

  /**
   * Optional: stops the datapath without losing state, so that {@link #getVqState} is stable.
   *
   * @throws UnsupportedOperationException if not supported
   */
  default void suspend() {
    throw new UnsupportedOperationException("device " + name() + " does not support suspend");
  }

  /**
   * Optional: restarts a suspended datapath; kicks that arrived while suspended are processed.
   *
   * @throws UnsupportedOperationException if not supported
   */
  default void resume() {
    throw new UnsupportedOperationException("device " + name() + " does not support resume");
  }

  // ---- config space ----

  /**
   * The size of the device-specific config space ({@code get_config_size}).
   *
   * @return bytes
   */
  int configSize();

  /**
   * Reads the config space ({@code get_config}) into {@code dst} from its position to its limit.
   *
   * @param offset the config space offset to start at
   * @param dst where the bytes go
   * @throws IndexOutOfBoundsException if the span leaves the config space
   */
  void getConfig(int offset, ByteBuffer dst);

  /**
   * Optional: writes the config space ({@code set_config}) from {@code src}.
   *
   * @param offset the config space offset to start at
   * @param src the bytes, from position to limit
   * @throws UnsupportedOperationException if the config space is read-only
   */
  default void setConfig(int offset, ByteBuffer src) {
    throw new UnsupportedOperationException("device " + name() + " has a read-only config space");
  }

  /**
   * The config generation ({@code get_generation}): changes whenever the config space changes, so
   * a reader can detect a torn read of a multi-field config.
   *
   * @return the generation counter
   */
  int generation();

  /**
   * Sets what the device calls when its config space changes ({@code set_config_cb}).
   *
   * @param callback the callback, or {@code null} for none
   */
  void setConfigCallback(Runnable callback);

  // ---- virtqueues ----

  /**
   * Sets the addresses of a queue's three areas ({@code set_vq_address}); IOVAs.
   *
   * @param idx queue index
   * @param descArea the descriptor table
   * @param driverArea the available ring (split) or driver event suppression (packed)
   * @param deviceArea the used ring (split) or device event suppression (packed)
   * @throws IllegalStateException if the queue is ready
   */
  void setVqAddress(int idx, long descArea, long driverArea, long deviceArea);

  /**
   * Sets a queue's size ({@code set_vq_num}).
   *
   * @param idx queue index
   * @param num the size: for a split ring a power of two within the device's limits
   * @throws IllegalArgumentException if {@code num} is not acceptable (the message names it)
   */
  void setVqNum(int idx, int num);

  /**
   * Enables or disables a queue ({@code set_vq_ready}).
   *
   * @param idx queue index
   * @param ready true to enable
   */
  void setVqReady(int idx, boolean ready);

  /** The furthest {@link #setVqReadAhead} looks, in chains. */
  int MAX_VQ_READ_AHEAD = 64;

  /**
   * Asks the device to look ahead in a queue: at each chain it takes, it reads the descriptor that
   * many chains further on (descriptor slots in a packed ring) and the first byte of its buffer, so that the cache misses of several
   * chains overlap instead of coming one after another. For a driver whose buffers lie apart in
   * memory that another core writes (a vhost-user frontend's mbufs, 2 KiB apart); where buffers lie
   * back to back the hardware prefetcher does this already and the extra loads cost, so the
   * default is none. Nothing read ahead is acted on. Part of the queue's set-up: before DRIVER_OK,
   * cleared by a reset. A hint: a device without it ignores it, as this default does.
   *
   * @param idx queue index
   * @param chains 0 (none) to {@link #MAX_VQ_READ_AHEAD}
   * @throws IllegalArgumentException if {@code chains} is outside that range (the message names it)
   */
  default void setVqReadAhead(int idx, int chains) {
    if (chains < 0 || chains > MAX_VQ_READ_AHEAD) {
      throw new IllegalArgumentException("vq " + idx + " read-ahead of " + chains + " chains is outside 0.."
          + MAX_VQ_READ_AHEAD);
    }
  }

  /**
   * Whether a queue is enabled ({@code get_vq_ready}).
   *
   * @param idx queue index
   * @return true if enabled
   */
  boolean isVqReady(int idx);

  /**
   * Reads a queue's state ({@code get_vq_state}); stable only while the device is suspended or
   * the queue is not ready.
   *
   * @param idx queue index
   * @return the state
   */
  VqState getVqState(int idx);

  /**
   * Sets a queue's state ({@code set_vq_state}) before it is made ready.
   *
   * @param idx queue index
   * @param state the state; checked against the queue size
   * @throws IllegalArgumentException if the state does not fit the queue
   */
  void setVqState(int idx, VqState state);

  /**
   * Tells the device that a queue has new available buffers ({@code kick_vq}). Cheap, never blocks,
   * callable from any thread.
   *
   * @param idx queue index
   */
  void kickVq(int idx);

  /**
   * Sets what the device calls when it has used buffers to report on a queue ({@code set_vq_cb}).
   *
   * @param idx queue index
   * @param callback the callback, or {@code null} for none
   */
  void setVqCallback(int idx, VqCallback callback);

  /**
   * Optional: the device's own counters for one queue ({@code get_vendor_vq_stats}), named as the
   * kernel's simulator names them ({@code received_desc}, {@code completed_desc}, {@code rx_drops},
   * ...), in a stable order.
   *
   * @param idx queue index
   * @return counter name to value; empty if the device keeps none
   */
  default java.util.Map<String, Long> vendorVqStats(int idx) {
    return java.util.Map.of();
  }

  // ---- DMA ----

  /**
   * The IOVA range the device can translate ({@code get_iova_range}).
   *
   * @return the range
   */
  default IovaRange iovaRange() {
    return IovaRange.FULL;
  }

  /**
   * Whether {@link #setDmaFaultCallback} is implemented.
   *
   * @return true if the device reports refused DMA accesses
   */
  default boolean supportsDmaFaults() {
    return false;
  }

  /**
   * Optional: sets what the device calls when it refuses one of its own DMA accesses (an IOMMU
   * fault); the passthrough driver records these.
   *
   * @param callback the callback, or {@code null} for none
   * @throws UnsupportedOperationException if not supported
   */
  default void setDmaFaultCallback(DmaFaultCallback callback) {
    throw new UnsupportedOperationException("device " + name() + " does not report DMA faults");
  }

  /**
   * Maps memory into the device's IOTLB ({@code dma_map}): from now on the device reaches
   * {@code [iova, iova + memory.remaining())} through it, with the given permission.
   *
   * @param iova the I/O virtual address of the first byte
   * @param memory off-heap memory (a direct or mapped buffer), from position to limit
   * @param perm {@link #DMA_READ}, {@link #DMA_WRITE} or {@link #DMA_READ_WRITE}
   * @throws IllegalArgumentException if the span leaves {@link #iovaRange()}, overlaps a mapping,
   *     or the buffer is not direct
   */
  void dmaMap(long iova, ByteBuffer memory, int perm);

  /**
   * Removes a mapping made by {@link #dmaMap} ({@code dma_unmap}).
   *
   * @param iova the address the mapping started at
   * @param size its size
   * @throws IllegalArgumentException if no mapping starts there with that size
   */
  void dmaUnmap(long iova, long size);
}
