package net.vdpa.driver.passthrough;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.Region;
import net.vdpa.testkit.devices.SimNetFixture;

/** A core over real simulated NICs, a recording sink, and the register moves a driver makes. */
final class Fixture {
  final BlockingQueue<IommuFault> faults = new LinkedBlockingQueue<>();
  final List<String> revoked = new CopyOnWriteArrayList<>();
  /** Devices bound to other drivers, as the bus would tell. */
  final Map<String, String> elsewhere = new ConcurrentHashMap<>();
  /** The idle members of each group that left its container, as the bus would be asked to match them again. */
  final List<List<String>> released = new CopyOnWriteArrayList<>();
  final VfioCore core;

  Fixture(long graceMillis, String... groups) {
    core = new VfioCore(new VfioCore.Settings(graceMillis, 16, groups), new Group.Topology() {
          @Override
          public Optional<String> driverOf(String device) {
            return Optional.ofNullable(elsewhere.get(device));
          }

          @Override
          public void released(List<String> members) {
            released.add(members);
          }
        }, new VfioCore.Sink() {
          @Override
          public void revoked(String device, String owner, String why) {
            revoked.add(device + " " + owner);
          }

          @Override
          public void fault(IommuFault fault) {
            faults.add(fault);
          }

          @Override
          public void info(String line) {}
        }, Clock.systemUTC());
  }

  static void write(DeviceHandle h, int offset, long value) {
    h.write(Region.COMMON_CFG, offset, CommonCfg.widthAt(offset), value);
  }

  static long read(DeviceHandle h, int offset) {
    return h.read(Region.COMMON_CFG, offset, CommonCfg.widthAt(offset));
  }

  /** ACKNOWLEDGE, DRIVER, the features, FEATURES_OK: the first half of the virtio-pci sequence. */
  static void negotiate(DeviceHandle h, long features) {
    write(h, CommonCfg.DEVICE_STATUS, 0);
    write(h, CommonCfg.DEVICE_STATUS, 1);
    write(h, CommonCfg.DEVICE_STATUS, 3);
    write(h, CommonCfg.GUEST_FEATURE_SELECT, 0);
    write(h, CommonCfg.GUEST_FEATURE, features & 0xFFFF_FFFFL);
    write(h, CommonCfg.GUEST_FEATURE_SELECT, 1);
    write(h, CommonCfg.GUEST_FEATURE, features >>> 32);
    write(h, CommonCfg.DEVICE_STATUS, 3 | 8);
  }

  /** Sets a queue's size and addresses and enables it. */
  static void queue(DeviceHandle h, int q, int size, long desc, long avail, long used) {
    write(h, CommonCfg.QUEUE_SELECT, q);
    write(h, CommonCfg.QUEUE_SIZE, size);
    write(h, CommonCfg.QUEUE_DESC_LO, desc);
    write(h, CommonCfg.QUEUE_DESC_HI, desc >>> 32);
    write(h, CommonCfg.QUEUE_AVAIL_LO, avail);
    write(h, CommonCfg.QUEUE_AVAIL_HI, avail >>> 32);
    write(h, CommonCfg.QUEUE_USED_LO, used);
    write(h, CommonCfg.QUEUE_USED_HI, used >>> 32);
    write(h, CommonCfg.QUEUE_ENABLE, 1);
  }

  static VdpaDevice nic(String name) {
    return SimNetFixture.create(name);
  }
}
