package net.vdpa.benchmarks.blk;

import java.nio.file.Path;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.benchmarks.BenchFramework;
import org.osgi.framework.Constants;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A real Felix framework inside the benchmark JVM ({@link BenchFramework}) with the block path a
 * user runs: the ring, bus, {@code device.simblk} and {@code driver.virtioblk} bundles; one block
 * device backed by a file is created through {@code vdpasim_blk} and its {@link BlockDevice}
 * waited for. Built and closed by one thread (the JMH trial set-up and tear-down).
 */
final class BlkRuntime implements AutoCloseable {
  /** The name of the device the benchmark creates. */
  static final String DEVICE = "benchblk0";

  private final BenchFramework framework;
  private final BlockDevice disk;

  /**
   * Boots the framework and creates the device on {@code file}.
   *
   * @param file the backing file (created sparse if absent)
   * @param capacity its size in bytes
   * @param queues its request queues ({@code num_queues})
   * @throws Exception naming the step that failed
   */
  BlkRuntime(Path file, long capacity, int queues) throws Exception {
    framework = new BenchFramework("blk");
    try {
      framework.start("ring", "bus", "device.core", "device.simblk", "driver.virtioblk");
      VdpaMgmtDevice mgmt = framework.awaitService(VdpaMgmtDevice.class, "(&(" + Constants.OBJECTCLASS + "="
          + VdpaMgmtDevice.class.getName() + ")(" + VdpaMgmtDevice.PROP_HANDLE + "=vdpasim_blk))",
          "the vdpasim_blk management device");
      ServiceTracker<Object, Object> disks = framework.track("(&(" + Constants.OBJECTCLASS + "="
          + BlockDevice.class.getName() + ")(" + BlockDevice.PROP_DEVICE + "=" + DEVICE + "))");
      mgmt.devAdd(new DevConfig(DEVICE, null, null, null, null, capacity, file.toString(), null, queues));
      Object d = disks.waitForService(BenchFramework.WAIT_MS);
      if (d == null) {
        throw new IllegalStateException("no BlockDevice appeared for " + DEVICE + " within "
            + BenchFramework.WAIT_MS + " ms");
      }
      disk = (BlockDevice) d;
    } catch (Exception | Error e) {
      framework.closeQuietly();
      throw e;
    }
  }

  /** The block device. */
  BlockDevice disk() {
    return disk;
  }

  /** Stops the framework (which deletes the device; the file stays) and removes its storage. */
  @Override
  public void close() throws Exception {
    framework.close();
  }
}
