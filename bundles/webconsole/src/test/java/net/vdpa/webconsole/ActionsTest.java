package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import org.junit.jupiter.api.Test;

class ActionsTest {
  private final List<String> calls = new ArrayList<>();
  private final List<Object[]> args = new ArrayList<>();

  /** A bus or store that records each call as "method(args)" and refuses device "bad" as the bus does. */
  private <T> T recording(Class<T> type) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
      calls.add(m.getName() + Arrays.toString(a));
      args.add(a);
      if (a != null && "bad".equals(a[0])) {
        throw new IllegalArgumentException("device bad not found");
      }
      return null;
    }));
  }

  @Test
  void eachActionIsOneCallOfTheApi() {
    Actions a = new Actions(recording(VdpaBus.class), recording(VdpaDeviceStore.class), h -> null);
    assertThat(a.run(Map.of("action", "bind", "device", "vdpa0", "driver", "vhost_vdpa"))).isEqualTo("bound vdpa0 to vhost_vdpa");
    assertThat(a.run(Map.of("action", "unbind", "device", "vdpa0"))).isEqualTo("unbound vdpa0");
    assertThat(a.run(Map.of("action", "override", "device", "vdpa0", "driver", "virtio_net")))
        .isEqualTo("set the override of vdpa0 to virtio_net");
    assertThat(a.run(Map.of("action", "override", "device", "vdpa0", "driver", ""))).isEqualTo("cleared the override of vdpa0");
    a.run(Map.of("action", "del", "device", "vdpa0"));
    assertThat(calls).containsExactly("bind[vdpa0, vhost_vdpa]", "unbind[vdpa0]", "setDriverOverride[vdpa0, virtio_net]",
        "setDriverOverride[vdpa0, null]", "delete[vdpa0]");
  }

  @Test
  void addGoesThroughTheStoreSoTheDeviceIsKept() {
    Actions a = new Actions(recording(VdpaBus.class), recording(VdpaDeviceStore.class), h -> null);
    assertThat(a.run(Map.of("action", "ADD", "device", "web1", "mgmtdev", "vdpasim_net"))).isEqualTo("added web1 on vdpasim_net");
    assertThat(calls).singleElement().asString().startsWith("add[vdpasim_net, ");
    DevConfig config = (DevConfig) args.get(0)[1];
    assertThat(config.name()).isEqualTo("web1");
    assertThat(config.attributes()).isEmpty();
  }

  @Test
  void badRequestsAreOneLineErrorsAndCallNothing() {
    Actions a = new Actions(recording(VdpaBus.class), null, h -> null);
    assertThatThrownBy(() -> a.run(Map.of("action", "reboot", "device", "vdpa0")))
        .hasMessage("action 'reboot' is not one of bind, unbind, override, add, del");
    assertThatThrownBy(() -> a.run(Map.of("action", "bind", "device", "vdpa0"))).hasMessage("driver is not set");
    assertThatThrownBy(() -> a.run(Map.of("action", "add", "device", "bad name", "mgmtdev", "vdpasim_net")))
        .hasMessageStartingWith("device name 'bad name' is not valid");
    assertThatThrownBy(() -> a.run(Map.of("action", "add", "device", "x", "mgmtdev", "nosuch")))
        .hasMessage("management device nosuch not found");
    assertThat(calls).isEmpty();
    assertThatThrownBy(() -> a.run(Map.of("action", "unbind", "device", "bad"))).hasMessage("device bad not found");
  }
}
