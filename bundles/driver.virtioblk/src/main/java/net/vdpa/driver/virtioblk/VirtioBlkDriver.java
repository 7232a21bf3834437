package net.vdpa.driver.virtioblk;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.log.EventLog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The {@code virtio_blk} driver: takes block devices from the bus (network devices are not its
 * business), starts them, and publishes each as a {@link BlockDevice} named {@code vda},
 * {@code vdb}, ... in binding order (the lowest free name). On remove it unpublishes the block
 * device first, then resets the device, which ends every request in flight.
 */
@Component(service = VdpaDriver.class)
public final class VirtioBlkDriver implements VdpaDriver {
  /** The driver's name on the bus. */
  public static final String NAME = "virtio_blk";
  /** The score for a block device (virtio_net's for a network device is the same). */
  static final int SCORE = 10;

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final BundleContext context;
  private final Map<VdpaDevice, Bound> bound = new ConcurrentHashMap<>();
  /** Names in use, each with its device; guarded by itself. */
  private final Map<String, String> names = new HashMap<>();

  private record Bound(BlkDisk disk, ServiceRegistration<BlockDevice> registration) {}

  /**
   * The driver.
   *
   * @param context where block devices are registered
   */
  @Activate
  public VirtioBlkDriver(BundleContext context) {
    this.context = context;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int match(VdpaDevice device) {
    return device.deviceId() == VdpaDevice.ID_BLOCK ? SCORE : 0;
  }

  @Override
  public void probe(VdpaDevice device) {
    String name;
    synchronized (names) {
      name = freeName();
      names.put(name, device.name());
    }
    BlkDisk disk;
    try {
      disk = BlkDisk.start(name, device);
    } catch (RuntimeException e) {
      release(name);
      throw e;
    }
    Hashtable<String, Object> props = new Hashtable<>();
    props.put(BlockDevice.PROP_NAME, name);
    props.put(BlockDevice.PROP_DEVICE, device.name());
    bound.put(device, new Bound(disk, context.registerService(BlockDevice.class, disk, props)));
    log.info("block device " + name + " up on device " + device.name() + " (" + (disk.capacity() >> 20) + " MiB, "
        + disk.queues() + " queue(s), block size " + disk.blockSize() + (disk.readOnly() ? ", read-only" : "") + ")");
  }

  private String freeName() {
    for (int i = 0;; i++) {
      String n = "vd" + letters(i);
      if (!names.containsKey(n)) {
        return n;
      }
    }
  }

  /** a, b, ..., z, aa, ab, ... as Linux names its disks. */
  static String letters(int i) {
    return i < 26 ? String.valueOf((char) ('a' + i)) : letters(i / 26 - 1) + (char) ('a' + i % 26);
  }

  private void release(String name) {
    synchronized (names) {
      names.remove(name);
    }
  }

  @Override
  public void remove(VdpaDevice device) {
    Bound b = bound.remove(device);
    if (b == null) {
      device.reset();
      return;
    }
    try {
      b.registration().unregister();
    } catch (IllegalStateException alreadyGone) {
      // the framework unregistered it while the bundle stopped
    }
    b.disk().stop();
    release(b.disk().name());
    log.info("block device " + b.disk().name() + " removed from device " + device.name());
  }
}
