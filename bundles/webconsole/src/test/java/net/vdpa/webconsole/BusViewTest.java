package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;
import net.vdpa.api.passthrough.PassthroughDevice;
import org.junit.jupiter.api.Test;

class BusViewTest {
  static DeviceDTO device(String name, DeviceDTO.State state, String driver, DeviceDTO.Placement placement) {
    DeviceDTO d = new DeviceDTO();
    d.name = name;
    d.deviceId = 1;
    d.mgmtdev = "vdpasim_net";
    d.state = state;
    d.driver = driver;
    d.placement = placement;
    d.autoprobe = true;
    return d;
  }

  static BusDTO bus(DeviceDTO... devices) {
    BusDTO b = new BusDTO();
    b.autoprobe = true;
    b.devices = devices;
    DriverDTO drv = new DriverDTO();
    drv.name = "virtio_net";
    drv.devices = new String[] {"vdpa0"};
    b.drivers = new DriverDTO[] {drv};
    MgmtDevDTO m = new MgmtDevDTO();
    m.handle = "vdpasim_net";
    m.supportedClasses = new String[] {"net"};
    m.devices = new String[] {"vdpa0"};
    MgmtDevDTO blk = new MgmtDevDTO();
    blk.handle = "vdpasim_blk";
    blk.supportedClasses = new String[] {"block"};
    blk.devices = new String[0];
    b.mgmtDevices = new MgmtDevDTO[] {m, blk};
    return b;
  }

  @Test
  void aBoundDeviceShowsItsDriverWhyAndClassService() {
    DeviceDTO d = device("vdpa0", DeviceDTO.State.BOUND, "virtio_net", DeviceDTO.Placement.AUTOPROBE);
    d.score = 10;
    String json = Json.write(BusView.picture(bus(d), Map.of("vdpa0", List.of(new ClassService.Vhost("vdpa0", "/run/vdpa0.sock")))));
    assertThat(json).contains("\"name\":\"vdpa0\",\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\",\"state\":\"BOUND\","
        + "\"driver\":\"virtio_net\",\"placement\":\"AUTOPROBE\",\"why\":\"best match (autoprobe, score 10)\"");
    assertThat(json).contains("\"class\":[{\"kind\":\"vhost\",\"socket\":\"/run/vdpa0.sock\"}]");
    assertThat(json).contains("\"drivers\":[{\"name\":\"virtio_net\"");
  }

  @Test
  void aDeviceOnVfioVdpaShowsItsPassthroughHandle() {
    DeviceDTO d = device("vdpa1", DeviceDTO.State.BOUND, "vfio_vdpa", DeviceDTO.Placement.BIND);
    // as the vfio_vdpa driver registers its PassthroughDevice service
    ClassService pt = VdpaTab.passthrough(Map.of(PassthroughDevice.PROP_DEVICE, "vdpa1", PassthroughDevice.PROP_GROUP, 7));
    assertThat(pt.device()).isEqualTo("vdpa1");
    assertThat(pt.counters()).isEmpty();
    String json = Json.write(BusView.picture(bus(d), Map.of("vdpa1", List.of(pt))));
    assertThat(json).contains("\"name\":\"vdpa1\",\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\",\"state\":\"BOUND\","
        + "\"driver\":\"vfio_vdpa\"");
    assertThat(json).contains("\"class\":[{\"kind\":\"passthrough\",\"group\":7,\"path\":\"/dev/vfio/7\"}]");
  }

  @Test
  void managementDevicesAreSortedByHandle() {
    String json = Json.write(BusView.picture(bus(), Map.of()));
    assertThat(json.indexOf("vdpasim_blk")).isLessThan(json.indexOf("vdpasim_net"));
  }

  @Test
  void whySaysHowABoundDeviceCameToItsDriverAndWhyAnIdleOneWaits() {
    DeviceDTO overridden = device("a", DeviceDTO.State.BOUND, "x", DeviceDTO.Placement.OVERRIDE);
    overridden.score = 7;
    assertThat(BusView.why(overridden)).isEqualTo("driver override (score 7)");
    DeviceDTO bound = device("a", DeviceDTO.State.BOUND, "x", DeviceDTO.Placement.BIND);
    bound.score = 1;
    bound.stayReason = "placed by bind";
    assertThat(BusView.why(bound)).isEqualTo("explicit bind (score 1); stays: placed by bind");
    DeviceDTO idle = device("a", DeviceDTO.State.UNBOUND, null, null);
    idle.reason = "waiting for driver_override virtio_net";
    assertThat(BusView.why(idle)).isEqualTo("waiting for driver_override virtio_net");
    DeviceDTO probing = device("a", DeviceDTO.State.PROBING, "x", null);
    probing.score = 5;
    assertThat(BusView.why(probing)).isEqualTo("probing x (score 5)");
    assertThat(BusView.type(2)).isEqualTo("block");
  }
}
