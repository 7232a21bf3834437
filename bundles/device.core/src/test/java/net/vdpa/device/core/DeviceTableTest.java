package net.vdpa.device.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import org.junit.jupiter.api.Test;

/** The table of a management device's devices, as the bus and the shell see it while a device is published. */
class DeviceTableTest {
  private static VdpaDevice device(String name) {
    return (VdpaDevice) Proxy.newProxyInstance(DeviceTableTest.class.getClassLoader(), new Class<?>[] {VdpaDevice.class},
        (p, m, a) -> switch (m.getName()) {
          case "name" -> name;
          case "hashCode" -> System.identityHashCode(p);
          case "equals" -> p == a[0];
          default -> null;
        });
  }

  /**
   * Registering the service makes the bus see the device at once, and a command may act on its
   * port before publishing returns: it is findable from then on, while it cannot be deleted half
   * published and is not listed as published yet.
   */
  @Test
  void aDeviceBeingPublishedIsFoundButNeitherListedNorDeletable() {
    List<String> during = new ArrayList<>();
    DeviceTable<VdpaDevice>[] table = new DeviceTable[1];
    table[0] = new DeviceTable<>("m0", (d, props) -> {
      during.add("found " + (table[0].find(d.name()) == d));
      during.add("listed " + table[0].names());
      try {
        table[0].delete(d.name(), x -> { });
      } catch (IllegalArgumentException e) {
        during.add(e.getMessage());
      }
      return () -> { };
    }, EventLog.NONE);
    VdpaDevice d = device("v0");
    table[0].add(d, "created");
    assertThat(during).containsExactly("found true", "listed []",
        "device 'v0' was not created by management device m0 (it is still being added)");
    assertThat(table[0].find("v0")).isSameAs(d);
    assertThat(table[0].names()).containsExactly("v0");
  }

  /**
   * A refusal that protects a device's port (devlink's "carries vDPA device") counts a device whose
   * service is registered but whose add has not returned: a command the bus let through may run then.
   */
  @Test
  void aDeviceBeingPublishedIsClaimed() {
    List<String> during = new ArrayList<>();
    DeviceTable<VdpaDevice>[] table = new DeviceTable[1];
    table[0] = new DeviceTable<>("m0", (d, props) -> {
      during.add("claimed " + table[0].claimed());
      return () -> { };
    }, EventLog.NONE);
    table[0].add(device("v0"), "created");
    assertThat(during).containsExactly("claimed [v0]");
    assertThat(table[0].claimed()).containsExactly("v0");
  }

  /** The bundle stops while a device is being published: the device is withdrawn, not left behind. */
  @Test
  void closingWhileADeviceIsPublishedWithdrawsItAndTheAddFails() {
    List<String> events = new ArrayList<>();
    DeviceTable<VdpaDevice>[] table = new DeviceTable[1];
    table[0] = new DeviceTable<>("m0", (d, props) -> {
      table[0].close(x -> events.add("unplugged " + x.name()));
      return () -> events.add("withdrawn " + d.name());
    }, EventLog.NONE);
    assertThatThrownBy(() -> table[0].add(device("v0"), x -> { }, x -> events.add("detached " + x.name()), "created"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("management device m0 closed while 'v0' was being added");
    assertThat(events).containsExactly("detached v0", "withdrawn v0");
    assertThat(table[0].find("v0")).isNull();
    assertThat(table[0].claimed()).isEmpty();
    assertThatThrownBy(() -> table[0].add(device("v1"), "created"))
        .hasMessage("management device m0 is closed; cannot add 'v1'");
  }

  @Test
  void aDeviceWhosePublishingFailedIsGoneAndItsSetUpUndone() {
    List<String> undone = new ArrayList<>();
    DeviceTable<VdpaDevice> table = new DeviceTable<>("m0", (d, props) -> {
      throw new IllegalStateException("bundle stopping");
    }, EventLog.NONE);
    assertThatThrownBy(() -> table.add(device("v1"), x -> { }, x -> undone.add("detached " + x.name()), "created"))
        .hasMessage("bundle stopping");
    assertThat(table.find("v1")).isNull();
    assertThat(undone).containsExactly("detached v1");
  }
}
