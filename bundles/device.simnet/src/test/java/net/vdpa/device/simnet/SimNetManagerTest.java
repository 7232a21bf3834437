package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The vdpasim_net management device with a recording publisher instead of a service registry. */
class SimNetManagerTest {
  private final Map<String, Map<String, Object>> published = new LinkedHashMap<>();
  private final List<String> withdrawn = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private final SimNetManager mgmt = new SimNetManager((device, props) -> {
    published.put(device.name(), props);
    return () -> withdrawn.add(device.name());
  }, new EventLog() {
    @Override
    public void info(String message) {
      log.add(message);
    }

    @Override
    public void warn(String message) {
      log.add("WARN " + message);
    }
  });

  @AfterEach
  void tearDown() {
    mgmt.close();
  }

  @Test
  void describesItself() {
    assertThat(mgmt.handle()).isEqualTo("vdpasim_net");
    assertThat(mgmt.supportedClasses()).containsExactly("net");
    assertThat(mgmt.maxSupportedVqs()).isEqualTo(33);
    assertThat(mgmt.acceptedAttributes()).containsExactlyInAnyOrder(DevAttr.MAC, DevAttr.MTU, DevAttr.MAX_VQP, DevAttr.DEVICE_FEATURES);
    assertThat(VirtioNet.featureNames(mgmt.supportedFeatures())).isEqualTo("MTU MAC MRG_RXBUF STATUS CTRL_VQ CTRL_RX MQ "
        + "CTRL_MAC_ADDR INDIRECT_DESC EVENT_IDX VERSION_1 ACCESS_PLATFORM RING_PACKED IN_ORDER");
  }

  @Test
  void addsWithDefaultsAndDeletes() {
    VdpaDevice d = mgmt.devAdd(DevConfig.named("vdpa0"));
    assertThat(d.name()).isEqualTo("vdpa0");
    assertThat(d.vqCount()).isEqualTo(3);
    assertThat(d.vqNumMax()).isGreaterThanOrEqualTo(256);
    assertThat(d.deviceId()).isEqualTo(VdpaDevice.ID_NET);
    assertThat(d.deviceFeatures()).isEqualTo(SimNetManager.SUPPORTED_FEATURES);
    assertThat(published.get("vdpa0")).containsEntry(VdpaDevice.PROP_NAME, "vdpa0")
        .containsEntry(VdpaDevice.PROP_MGMTDEV, "vdpasim_net");
    NetSpec spec = ((SimNetDevice) d).spec();
    assertThat(spec.mtu()).isEqualTo(1500);
    assertThat(spec.mac()).isEqualTo(SimNetManager.defaultMac("vdpa0"));
    assertThat(spec.mac().value() >>> 40).isEqualTo(0x02L);
    assertThat(SimNetManager.defaultMac("vdpa1")).isNotEqualTo(spec.mac());
    assertThat(mgmt.devices()).containsExactly("vdpa0");
    assertThat(log).anyMatch(l -> l.startsWith("device vdpa0 created: mac " + spec.mac()));

    mgmt.devDel("vdpa0");
    assertThat(withdrawn).containsExactly("vdpa0");
    assertThat(mgmt.devices()).isEmpty();
    assertThat(log).contains("device vdpa0 deleted");
    assertThatThrownBy(() -> mgmt.devDel("vdpa0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device 'vdpa0' was not created by management device vdpasim_net");
  }

  @Test
  void takesEveryAttribute() {
    MacAddress mac = MacAddress.parse("02:00:00:00:88:88");
    long features = NetTestDriver.baseFeatures() | VirtioNet.bit(VirtioNet.F_MQ);
    VdpaDevice d = mgmt.devAdd(new DevConfig("big", mac, 9000, 16, features));
    assertThat(d.vqCount()).isEqualTo(33);
    assertThat(d.deviceFeatures()).isEqualTo(features);
    NetSpec spec = ((SimNetDevice) d).spec();
    assertThat(spec.mac()).isEqualTo(mac);
    assertThat(spec.mtu()).isEqualTo(9000);
    assertThat(spec.maxVqp()).isEqualTo(16);
  }

  @Test
  void refusesADuplicateName() {
    mgmt.devAdd(DevConfig.named("dup"));
    assertThatThrownBy(() -> mgmt.devAdd(DevConfig.named("dup"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device name 'dup' is already in use");
    assertThat(published).hasSize(1);
  }

  @Test
  void refusesFeaturesItDoesNotSupport() {
    long csum = VirtioNet.bit(VirtioNet.F_CSUM) | VirtioNet.bit(VirtioNet.F_VERSION_1);
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("f0", null, null, null, csum)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device_features 0x100000001 has bits 0x1 that management device vdpasim_net does not support");
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("f1", null, null, null, VirtioNet.bit(VirtioNet.F_MAC))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device_features 0x20 lack VERSION_1");
    long mqNoCvq = VirtioNet.bit(VirtioNet.F_VERSION_1) | VirtioNet.bit(VirtioNet.F_MQ);
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("f2", null, null, 2, mqNoCvq)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MQ need CTRL_VQ");
    assertThat(published).isEmpty();
  }

  @Test
  void validateRefusesWhatDevAddWouldWithTheSameReasonAndCreatesNothing() {
    String[][] cases = {
        {"ff:ff:ff:ff:ff:ff", "mac ff:ff:ff:ff:ff:ff is the broadcast address; a device needs a unicast address"},
        {"01:00:5e:00:00:01", "mac 01:00:5e:00:00:01 is a multicast address (group bit set in 01); a device needs a unicast address"},
        {"00:00:00:00:00:00", "mac 00:00:00:00:00:00 is the all-zero address; a device needs a unicast address"}};
    for (String[] c : cases) {
      DevConfig bad = new DevConfig("m", MacAddress.parse(c[0]), null, null, null);
      assertThatThrownBy(() -> mgmt.validate(bad)).isInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
      assertThatThrownBy(() -> mgmt.devAdd(bad)).isInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
    }
    assertThatThrownBy(() -> mgmt.validate(new DevConfig("z", null, null, null, 0L)))
        .hasMessage("device_features 0x0 lack VERSION_1 (bit 32): vDPA devices speak virtio 1.x");
    mgmt.validate(new DevConfig("ok", MacAddress.parse("02:00:00:00:00:01"), 9000, 2, null));
    assertThat(published).isEmpty();
    assertThat(mgmt.devices()).isEmpty();
  }

  @Test
  void refusesAQueuePairCountItCannotServe() {
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("q0", null, null, 17, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_vqp 17 needs 34 queues; management device vdpasim_net supports at most 33");
    long noMq = SimNetManager.SUPPORTED_FEATURES & ~VirtioNet.bit(VirtioNet.F_MQ);
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("q1", null, null, 2, noMq)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_vqp 2 needs feature MQ");
    assertThatThrownBy(() -> mgmt.devAdd(new DevConfig("q2", MacAddress.parse("01:00:5e:00:00:01"), null, null, null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mac 01:00:5e:00:00:01 is a multicast");
  }

  @Test
  void closingDeletesEveryDeviceAndStopsItsWorkers() {
    VdpaDevice a = mgmt.devAdd(DevConfig.named("c0"));
    mgmt.devAdd(DevConfig.named("c1"));
    mgmt.ports().cable("c0", "c1");
    new NetTestDriver(a, NetTestDriver.baseFeatures(), 64, 2048, 4).start(1);
    assertThat(Devices.threadsOf("c0")).hasSize(1);
    mgmt.close();
    assertThat(withdrawn).containsExactlyInAnyOrder("c0", "c1");
    assertThat(Devices.threadsOf("c0")).isEmpty();
    assertThat(a.status()).isZero();
    assertThat(mgmt.devices()).isEmpty();
    assertThatThrownBy(() -> mgmt.devAdd(DevConfig.named("late"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void deletingOneEndOfACablePutsTheOtherBackInLoopback() {
    mgmt.devAdd(DevConfig.named("e0"));
    mgmt.devAdd(DevConfig.named("e1"));
    mgmt.ports().cable("e0", "e1");
    mgmt.devDel("e0");
    assertThat(mgmt.ports().wire("e1")).isEqualTo("loopback");
    assertThatThrownBy(() -> mgmt.ports().wire("e0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'e0'");
  }

  @Test
  void numQueuesIsABlockAttribute() {
    assertThatThrownBy(() -> mgmt.validate(new DevConfig("n", null, null, null, null, null, null, null, 2)))
        .hasMessage("management device vdpasim_net does not support attribute(s) num_queues: all provided attributes"
            + " are not supported");
    assertThat(mgmt.devices()).isEmpty();
  }
}
