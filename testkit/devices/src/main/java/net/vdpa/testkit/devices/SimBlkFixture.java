package net.vdpa.testkit.devices;

import java.nio.file.Path;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.device.simblk.SimBlkMgmtDevice;

/**
 * Real simulated block devices ({@code vdpasim_blk}) for tests that drive a device without a
 * framework, each on a management device of its own with a stub bundle context.
 */
public final class SimBlkFixture {
  private SimBlkFixture() {}

  /**
   * A RAM-backed block device of the default capacity.
   *
   * @param name the device name
   * @return the device, not yet driven
   */
  public static VdpaDevice create(String name) {
    return new SimBlkMgmtDevice(StubContext.create()).devAdd(DevConfig.named(name));
  }

  /**
   * A block device of {@code capacity} bytes kept in {@code file}.
   *
   * @param name the device name
   * @param capacity its size in bytes
   * @param file its backing file (created sparse if absent)
   * @return the device, not yet driven
   */
  public static VdpaDevice create(String name, long capacity, Path file) {
    return create(name, capacity, file, 1);
  }

  /**
   * A block device of {@code capacity} bytes kept in {@code file}, with {@code numQueues} request queues.
   *
   * @param name the device name
   * @param capacity its size in bytes
   * @param file its backing file (created sparse if absent), or null for memory
   * @param numQueues its request queues
   * @return the device, not yet driven
   */
  public static VdpaDevice create(String name, long capacity, Path file, int numQueues) {
    return new SimBlkMgmtDevice(StubContext.create()).devAdd(new DevConfig(name, null, null, null, null, capacity,
        file == null ? null : file.toString(), null, numQueues));
  }
}
