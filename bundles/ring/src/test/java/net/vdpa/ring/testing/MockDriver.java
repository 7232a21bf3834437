package net.vdpa.ring.testing;

import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.QueueConfig;
import net.vdpa.ring.VirtioRingFeatures;
import net.vdpa.ring.mem.DmaAllocator;
import net.vdpa.ring.mem.Iotlb;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.mem.Permission;
import net.vdpa.ring.packed.PackedDevice;
import net.vdpa.ring.packed.PackedDriver;
import net.vdpa.ring.split.SplitDevice;
import net.vdpa.ring.split.SplitDriver;
import net.vdpa.ring.split.SplitLayout;

/**
 * A driver for tests: one block of direct memory mapped read-write at {@link #BASE_IOVA} in both a
 * driver IOTLB and a device IOTLB, rings laid out in it, a {@link DriverQueue} on top, and helpers to
 * send and receive byte arrays. A device bundle tests its datapath with {@link #newDevice()} (or its
 * own device queue over {@link #deviceIotlb()} and {@link #config()}) without a real driver.
 *
 * <p>Driver side: one thread. Not for production: it allocates.
 */
public final class MockDriver {
  /** The IOVA where the memory starts (not 0, so that a zero address is always unmapped). */
  public static final long BASE_IOVA = 0x1_0000_0000L;

  private final MemoryRegion memory;
  private final Iotlb driverIotlb = new Iotlb();
  private final Iotlb deviceIotlb = new Iotlb();
  private final DmaAllocator dma;
  private final QueueConfig config;
  private final boolean packed;
  private final DriverQueue queue;

  private MockDriver(int size, long features, long memorySize) {
    this.packed = VirtioRingFeatures.has(features, VirtioRingFeatures.RING_PACKED);
    this.memory = MemoryRegion.allocate(memorySize);
    driverIotlb.map(BASE_IOVA, memorySize, memory, 0, Permission.READ_WRITE);
    deviceIotlb.map(BASE_IOVA, memorySize, memory, 0, Permission.READ_WRITE);
    this.dma = new DmaAllocator(memory, BASE_IOVA);
    long desc = dma.allocate(16L * size, 4096);
    long driverArea = dma.allocate(packed ? 4 : SplitLayout.availSize(size), 4096);
    long deviceArea = dma.allocate(packed ? 4 : SplitLayout.usedSize(size), 4096);
    this.config = new QueueConfig(size, desc, driverArea, deviceArea, features);
    this.queue = packed ? new PackedDriver(config, driverIotlb) : new SplitDriver(config, driverIotlb);
  }

  /**
   * A split ring driver.
   *
   * @param size queue size, a power of two
   * @param features negotiated features (INDIRECT_DESC, EVENT_IDX, IN_ORDER)
   * @param memorySize bytes of memory for rings and buffers
   * @return the mock
   */
  public static MockDriver split(int size, long features, long memorySize) {
    return new MockDriver(size, features & ~VirtioRingFeatures.mask(VirtioRingFeatures.RING_PACKED), memorySize);
  }

  /**
   * A packed ring driver.
   *
   * @param size queue size
   * @param features negotiated features (RING_PACKED is added)
   * @param memorySize bytes of memory for rings and buffers
   * @return the mock
   */
  public static MockDriver packed(int size, long features, long memorySize) {
    return new MockDriver(size, features | VirtioRingFeatures.mask(VirtioRingFeatures.RING_PACKED), memorySize);
  }

  /**
   * Creates a device queue of the same type over {@link #deviceIotlb()}.
   *
   * @return a new device side
   */
  public DeviceQueue newDevice() {
    return packed ? new PackedDevice(config, deviceIotlb) : new SplitDevice(config, deviceIotlb);
  }

  /**
   * Allocates a buffer in the shared memory.
   *
   * @param len bytes
   * @return its IOVA
   * @throws IllegalStateException if the memory is full
   */
  public long allocate(int len) {
    long iova = dma.allocate(Math.max(1, len), 16);
    if (iova == DmaAllocator.NO_SPACE) {
      throw new IllegalStateException("mock driver memory full after " + dma.used() + " bytes");
    }
    return iova;
  }

  /**
   * Copies bytes into memory at an IOVA.
   *
   * @param iova where
   * @param data what
   */
  public void write(long iova, byte[] data) {
    memory.put(dma.offsetOf(iova), data, 0, data.length);
  }

  /**
   * Copies bytes out of memory at an IOVA.
   *
   * @param iova where
   * @param len how many
   * @return the bytes
   */
  public byte[] read(long iova, int len) {
    byte[] b = new byte[len];
    memory.get(dma.offsetOf(iova), b, 0, len);
    return b;
  }

  /**
   * Puts {@code payload} in a new buffer, adds it device-readable and publishes it.
   *
   * @param payload the bytes the device should read
   * @return the chain id, or {@link DriverQueue#FULL}
   */
  public int send(byte[] payload) {
    long iova = allocate(payload.length);
    write(iova, payload);
    int id = queue.add(iova, payload.length, false);
    queue.publish();
    return id;
  }

  /**
   * Adds a new device-writable buffer and publishes it.
   *
   * @param len the buffer's length
   * @return the buffer's IOVA; the chain id is what {@link DriverQueue#pollUsed()} returns later
   */
  public long receive(int len) {
    long iova = allocate(len);
    if (queue.add(iova, len, true) == DriverQueue.FULL) {
      throw new IllegalStateException("ring full");
    }
    queue.publish();
    return iova;
  }

  /**
   * The driver queue.
   *
   * @return the split or packed driver side
   */
  public DriverQueue queue() {
    return queue;
  }

  /**
   * Where the rings live and what was negotiated.
   *
   * @return the queue configuration
   */
  public QueueConfig config() {
    return config;
  }

  /**
   * The device's IOTLB (read-write over all memory; tests may unmap or remap parts).
   *
   * @return the device IOTLB
   */
  public Iotlb deviceIotlb() {
    return deviceIotlb;
  }

  /**
   * The driver's own IOTLB.
   *
   * @return the driver IOTLB
   */
  public Iotlb driverIotlb() {
    return driverIotlb;
  }

  /**
   * The memory block.
   *
   * @return the region mapped at {@link #BASE_IOVA}
   */
  public MemoryRegion memory() {
    return memory;
  }

  /**
   * The allocator for buffers.
   *
   * @return the DMA allocator
   */
  public DmaAllocator dma() {
    return dma;
  }
}
