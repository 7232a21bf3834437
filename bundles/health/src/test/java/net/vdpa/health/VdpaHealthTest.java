package net.vdpa.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.dto.DeviceDTO;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.junit.jupiter.api.Test;

class VdpaHealthTest {
  private static DeviceDTO device(String name, DeviceDTO.State state, int status) {
    DeviceDTO d = new DeviceDTO();
    d.name = name;
    d.state = state;
    d.status = status;
    d.reason = state == DeviceDTO.State.UNBOUND ? "autoprobe is off" : null;
    return d;
  }

  private static HealthFacts facts(List<DeviceDTO> devices, List<HealthFacts.Kept> kept) {
    return new HealthFacts(List.of(), List.of(), true, devices, kept, Set.of("vdpasim_net"));
  }

  private static List<String> entries(Result r) {
    List<String> out = new ArrayList<>();
    for (ResultLog.Entry e : r) {
      out.add(e.getStatus() + " " + e.getMessage());
    }
    return out;
  }

  @Test
  void everyKeptDeviceBoundIsOk() {
    Result r = VdpaHealth.check(facts(List.of(device("vdpa0", DeviceDTO.State.BOUND, 15)),
        List.of(new HealthFacts.Kept("vdpa0", "vdpasim_net"))));
    assertThat(r.getStatus()).isEqualTo(Result.Status.OK);
    assertThat(entries(r)).containsExactly("OK 1 devices on the bus, 1 bound, 1 kept");
  }

  @Test
  void startingUpIsTemporarilyUnavailable() {
    HealthFacts f = new HealthFacts(List.of("net.vdpa.bus"), List.of("net.vdpa.config.DeviceStoreComponent is waiting for a service"),
        true, List.of(device("a", DeviceDTO.State.PROBING, 0)), List.of(new HealthFacts.Kept("b", "vdpasim_net")),
        Set.of("vdpasim_net"));
    Result r = VdpaHealth.check(f);
    assertThat(r.getStatus()).isEqualTo(Result.Status.TEMPORARILY_UNAVAILABLE);
    assertThat(entries(r)).containsExactly("TEMPORARILY_UNAVAILABLE bundle net.vdpa.bus is not active",
        "TEMPORARILY_UNAVAILABLE component net.vdpa.config.DeviceStoreComponent is waiting for a service",
        "TEMPORARILY_UNAVAILABLE kept device b is not on the bus yet", "TEMPORARILY_UNAVAILABLE device a is probing",
        "OK 1 devices on the bus, 0 bound, 1 kept");
  }

  @Test
  void aDeviceThatNeedsAResetIsCritical() {
    Result r = VdpaHealth.check(facts(List.of(device("vdpa0", DeviceDTO.State.BOUND, 15 | VirtioStatus.DEVICE_NEEDS_RESET)),
        List.of()));
    assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
    assertThat(entries(r)).contains("CRITICAL device vdpa0 needs a reset (DEVICE_NEEDS_RESET)");
  }

  @Test
  void noBusIsCritical() {
    Result r = VdpaHealth.check(new HealthFacts(List.of(), List.of(), false, List.of(), List.of(), Set.of()));
    assertThat(r.getStatus()).isEqualTo(Result.Status.CRITICAL);
    assertThat(entries(r)).containsExactly("CRITICAL the vDPA bus is not running");
  }

  @Test
  void aKeptDeviceUnboundOrWithoutItsManagementDeviceWarns() {
    Result r = VdpaHealth.check(facts(List.of(device("u", DeviceDTO.State.UNBOUND, 0)),
        List.of(new HealthFacts.Kept("u", "vdpasim_net"), new HealthFacts.Kept("g", "vdpasim_blk"))));
    assertThat(r.getStatus()).isEqualTo(Result.Status.WARN);
    assertThat(entries(r)).containsExactly("WARN kept device u is not bound: autoprobe is off",
        "WARN kept device g waits for management device vdpasim_blk", "OK 1 devices on the bus, 0 bound, 2 kept");
  }
}
