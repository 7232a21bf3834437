package net.vdpa.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteSettingsTest {
  @Test
  void offAndLoopbackByDefault() {
    RemoteSettings s = RemoteSettings.read(Map.of(), k -> null);
    assertThat(s.export()).isFalse();
    assertThat(s.active()).isFalse();
    assertThat(s.address()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isZero();
    assertThat(s.peers()).isEmpty();
    assertThat(s.timeoutMs()).isEqualTo(RemoteSettings.DEFAULT_TIMEOUT_MS);
  }

  @Test
  void configurationWinsOverFrameworkProperties() {
    Map<String, String> fw = Map.of("vdpa.remote.host", "fromfw", "vdpa.remote.port", "9101",
        "vdpa.remote.peers", "tcp://127.0.0.1:9102, tcp://10.0.0.2:9101");
    RemoteSettings s = RemoteSettings.read(Map.of("host", "h1", "export", true), fw::get);
    assertThat(s.host()).isEqualTo("h1");
    assertThat(s.export()).isTrue();
    assertThat(s.port()).isEqualTo(9101);
    assertThat(s.peers()).containsExactly(URI.create("tcp://127.0.0.1:9102"), URI.create("tcp://10.0.0.2:9101"));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("peers", "http://x:1"), k -> null))
        .hasMessage("peer 'http://x:1' is not tcp://HOST:PORT");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("port", "70000"), k -> null))
        .hasMessage("port 70000 is out of range 0..65535");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("timeout", "10"), k -> null))
        .hasMessage("timeout 10 ms is out of range 100..600000");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("host", "a b"), k -> null))
        .hasMessageContaining("host 'a b'");
  }

  @Test
  void peerEndpointCarriesTheFacadeAndTheTimeout() {
    var p = PeerEndpoints.endpoint("tcp://127.0.0.1:9102", 2000);
    assertThat(p.get("endpoint.id")).isEqualTo("tcp://127.0.0.1:9102");
    assertThat(p.get("service.imported.configs")).isEqualTo("aries.tcp");
    assertThat((String[]) p.get("objectClass")).containsExactly("net.vdpa.api.remote.VdpaRuntime");
    assertThat(p.get("osgi.basic.timeout")).isEqualTo("2000");
    assertThat(List.of(RemoteSettings.peers(""))).containsExactly(List.of());
  }

  @Test
  void zookeeperSelectsItsDiscoveryAndItsSessionTimeout() {
    RemoteSettings s = RemoteSettings.read(Map.of("zookeeper", "127.0.0.1:2181", "zookeeper.timeout", "5000"), k -> null);
    assertThat(s.active()).isTrue();
    assertThat(s.zookeeper().getHost()).isEqualTo("127.0.0.1");
    assertThat(s.zookeeper().getPort()).isEqualTo(2181);
    assertThat(s.sessionMs()).isEqualTo(5000);
    assertThat(RemoteSettings.read(Map.of(), k -> null).zookeeper()).isNull();
    assertThat(RemoteSettings.read(Map.of(), k -> null).sessionMs()).isEqualTo(RemoteSettings.DEFAULT_SESSION_MS);
    var p = ZooKeeperDiscoveryConfig.properties(s.zookeeper(), s.sessionMs());
    assertThat(p.get("zookeeper.host")).isEqualTo("127.0.0.1");
    assertThat(p.get("zookeeper.port")).isEqualTo("2181");
    assertThat(p.get("zookeeper.timeout")).isEqualTo("5000");
  }

  @Test
  void zookeeperValuesAreCheckedAndExcludeAStaticList() {
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("zookeeper", "zk1"), k -> null))
        .hasMessage("zookeeper 'zk1' is not HOST:PORT");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("zookeeper", "zk1:2181/chroot"), k -> null))
        .hasMessage("zookeeper 'zk1:2181/chroot' is not HOST:PORT");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("zookeeper", "zk1:2181", "zookeeper.timeout", "10"), k -> null))
        .hasMessage("zookeeper.timeout 10 ms is out of range 1000..600000");
    assertThatThrownBy(() -> RemoteSettings.read(Map.of("zookeeper", "zk1:2181", "peers", "tcp://10.0.0.2:9101"), k -> null))
        .hasMessage("peers [tcp://10.0.0.2:9101] and zookeeper zk1:2181 are two discoveries: set one of them");
  }
}
