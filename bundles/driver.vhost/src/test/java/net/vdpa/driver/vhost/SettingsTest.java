package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver's configuration as ConfigAdmin gives it: client-mode entries and their one-line errors. */
class SettingsTest {
  static final Path DEFAULT_DIR = Path.of("/run/vdpa-test");

  static DriverConfig config(Map<String, Object> values) {
    return (DriverConfig) Proxy.newProxyInstance(SettingsTest.class.getClassLoader(), new Class<?>[] {DriverConfig.class},
        (p, m, a) -> values.containsKey(m.getName()) ? values.get(m.getName()) : switch (m.getName()) {
          case "score" -> 1;
          case "socket_dir" -> "";
          case "sockets", "clients" -> new String[0];
          case "handshake_timeout_ms" -> 10_000;
          case "idle_timeout_ms" -> 60_000;
          case "message_timeout_ms" -> 5_000;
          case "strict_memory", "offer_config" -> false;
          case "reconnect_min_ms" -> 100;
          case "reconnect_max_ms" -> 2_000;
          default -> null;
        });
  }

  static Settings from(Map<String, Object> values) {
    return Settings.from(config(values), DEFAULT_DIR);
  }

  @Test
  void aClientEntryPutsTheDeviceInClientModeAtThatPath() {
    Settings s = from(Map.of("clients", new String[] {"vdpa0=/tmp/vm0.sock", " vdpa1 = /tmp/vm1.sock "}));
    assertThat(s.clientFor("vdpa0")).isEqualTo(Path.of("/tmp/vm0.sock"));
    assertThat(s.clientFor("vdpa1")).isEqualTo(Path.of("/tmp/vm1.sock"));
    assertThat(s.socketFor("vdpa0")).isEqualTo(Path.of("/tmp/vm0.sock"));
    assertThat(s.inSocketDir("vdpa0")).isFalse();
    assertThat(s.clientFor("vdpa2")).isNull();
    assertThat(s.socketFor("vdpa2")).isEqualTo(DEFAULT_DIR.resolve("vdpa2.sock"));
    assertThat(s.reconnect()).isEqualTo(new Settings.Reconnect(100, 2_000, 60_000));
  }

  @Test
  void theReconnectPauseDoublesUpToItsLongest() {
    Settings.Reconnect r = from(Map.of()).reconnect();
    assertThat(r.next(100)).isEqualTo(200);
    assertThat(r.next(1_600)).isEqualTo(2_000);
    assertThat(r.next(2_000)).isEqualTo(2_000);
  }

  @Test
  void aMalformedClientEntryIsRefusedNamingIt() {
    assertThatThrownBy(() -> from(Map.of("clients", new String[] {"vdpa0"})))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("client entry 'vdpa0' is not DEVICE=PATH");
    assertThatThrownBy(() -> from(Map.of("clients", new String[] {"=/tmp/x.sock"})))
        .hasMessage("client entry '=/tmp/x.sock' is not DEVICE=PATH");
    assertThatThrownBy(() -> from(Map.of("clients", new String[] {"vdpa0= "})))
        .hasMessage("client entry 'vdpa0= ' is not DEVICE=PATH");
  }

  @Test
  void aDeviceIsEitherListeningOrAClientNotBoth() {
    assertThatThrownBy(() -> from(Map.of("sockets", new String[] {"vdpa0=/tmp/a.sock"}, "clients",
        new String[] {"vdpa0=/tmp/b.sock"}))).hasMessage("device vdpa0 is in both sockets and clients: the backend either"
            + " listens (sockets) or connects (clients)");
  }

  @Test
  void aDeviceNamedTwiceInClientsIsRefused() {
    assertThatThrownBy(() -> from(Map.of("clients", new String[] {"vdpa0=/tmp/a.sock", "vdpa0=/tmp/b.sock"})))
        .hasMessage("device vdpa0 has two client entries");
  }

  @Test
  void aClientPathLongerThanAUnixSocketAllowsIsRefusedNamingIt() {
    String longPath = "/tmp/" + "d".repeat(100) + "/vm.sock";
    assertThatThrownBy(() -> from(Map.of("clients", new String[] {"vdpa0=" + longPath})))
        .hasMessage("client socket path " + longPath + " of device vdpa0 is 113 bytes, longer than the 107 a Unix"
            + " socket allows");
  }

  @Test
  void reconnectPausesAreChecked() {
    assertThatThrownBy(() -> from(Map.of("reconnect_min_ms", 0))).hasMessage("reconnect_min_ms 0 is below 1");
    assertThatThrownBy(() -> from(Map.of("reconnect_min_ms", 500, "reconnect_max_ms", 100)))
        .hasMessage("reconnect_max_ms 100 is below reconnect_min_ms 500");
  }
}
