package net.vdpa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import org.junit.jupiter.api.Test;

class KeptConfigTest {
  private static Map<String, Object> map(KeptConfig k) {
    Map<String, Object> m = new HashMap<>();
    var d = k.toProperties();
    for (var keys = d.keys(); keys.hasMoreElements(); ) {
      String key = keys.nextElement();
      m.put(key, d.get(key));
    }
    return m;
  }

  @Test
  void roundTripsThroughConfigurationProperties() {
    KeptConfig k = new KeptConfig("vdpasim_net",
        new DevConfig("foo", MacAddress.parse("02:11:22:33:44:55"), 9000, 2, 0x1_0000_0020L), "vhost_vdpa");
    Map<String, Object> p = map(k);
    assertThat(p).containsEntry("mgmtdev.target", "(vdpa.mgmtdev.handle=vdpasim_net)")
        .containsEntry("device_features", "0x100000020").containsEntry("mac", "02:11:22:33:44:55");
    assertThat(KeptConfig.from(p)).isEqualTo(k);
    assertThat(KeptConfig.from(map(k.withOverride(null))).driverOverride()).isNull();
  }

  @Test
  void aHandWrittenFileIsCheckedLikeTheShell() {
    Map<String, Object> p = new HashMap<>(Map.of("name", "bar", "mgmtdev", "vdpasim_net", "mtu", "1500", "max_vqp", "4"));
    assertThat(KeptConfig.from(p).config().maxVqp()).isEqualTo(4);
    p.put("mtu", "40");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("mtu 40 is below 68");
    p.put("mtu", "lots");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("mtu 'lots' is not a number");
    p.remove("mgmtdev");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("management device handle not set.");
  }

  @Test
  void aBlockDeviceKeepsItsCapacityFileAndReadOnly() {
    KeptConfig k = new KeptConfig("vdpasim_blk",
        new DevConfig("blk0", null, null, null, null, 1L << 30, "/var/tmp/blk0.img", true), null);
    Map<String, Object> p = map(k);
    assertThat(p).containsEntry("capacity", 1L << 30).containsEntry("file", "/var/tmp/blk0.img")
        .containsEntry("ro", true);
    assertThat(KeptConfig.from(p)).isEqualTo(k);
    p.put("ro", "maybe");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("ro 'maybe' is not true or false");
    p.put("ro", "false");
    p.put("capacity", "1000");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("capacity 1000 is not a positive number of 512-byte sectors");
  }

  @Test
  void aBlockDeviceKeepsItsRequestQueues() {
    KeptConfig k = new KeptConfig("vdpasim_blk",
        new DevConfig("blk0", null, null, null, null, null, null, null, 4), null);
    Map<String, Object> p = map(k);
    assertThat(p).containsEntry("num_queues", 4);
    assertThat(KeptConfig.from(p)).isEqualTo(k);
    p.put("num_queues", "0");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("num_queues 0: at least one request queue is required");
    p.put("num_queues", "four");
    assertThatThrownBy(() -> KeptConfig.from(p)).hasMessage("num_queues 'four' is not a number");
  }
}
