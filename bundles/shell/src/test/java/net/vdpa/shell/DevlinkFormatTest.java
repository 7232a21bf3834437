package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import org.junit.jupiter.api.Test;

/** devlink's layouts, text and JSON, as iproute2 prints them. */
class DevlinkFormatTest {
  private static final String DEV = "pci/0000:03:00.0";
  private static final DevlinkDev ADAPTER = new DevlinkDev(DEV, "enp3s0f0np0", EswitchMode.LEGACY, 2, 8, 16, 4, 1, 100_000);
  private static final DevlinkPort UPLINK = new DevlinkPort(DEV, 65535, PortFlavour.PHYSICAL, "enp3s0f0np0", 0, 0, null, null,
      true, null);
  private static final DevlinkPort VF = new DevlinkPort(DEV, 1, PortFlavour.PCIVF, null, 0, 0, new MacAddress(0), null,
      true, "pci/0000:03:00.2");
  private static final DevlinkPort SF = new DevlinkPort(DEV, 32768, PortFlavour.PCISF, null, 88, 0,
      MacAddress.parse("00:00:00:00:88:88"), FunctionState.INACTIVE, false, null);
  private static final VdpaFormat.Style JSON = new VdpaFormat.Style(true, false);

  @Test
  void devicesAndTheirEswitch() {
    assertThat(DevlinkFormat.devs(List.of(ADAPTER), VdpaFormat.Style.TEXT)).isEqualTo(DEV);
    assertThat(DevlinkFormat.devs(List.of(ADAPTER), JSON)).isEqualTo("{\"dev\":{\"pci/0000:03:00.0\":{}}}");
    assertThat(DevlinkFormat.eswitch(ADAPTER, VdpaFormat.Style.TEXT))
        .isEqualTo("pci/0000:03:00.0: mode legacy inline-mode none encap-mode basic");
    assertThat(DevlinkFormat.eswitch(ADAPTER, JSON)).isEqualTo(
        "{\"dev\":{\"pci/0000:03:00.0\":{\"mode\":\"legacy\",\"inline-mode\":\"none\",\"encap-mode\":\"basic\"}}}");
    assertThat(DevlinkFormat.numVfs(ADAPTER, VdpaFormat.Style.TEXT)).isEqualTo(
        "pci/0000:03:00.0:\n  name sriov_numvfs type driver-specific\n    values:\n      cmode runtime value 2");
  }

  @Test
  void vfsAsIpLinkShowsThem() {
    var vf0 = new net.vdpa.api.devlink.VfConfig(0, new MacAddress(0), 0, false, false);
    var vf1 = new net.vdpa.api.devlink.VfConfig(1, MacAddress.parse("02:00:00:00:00:21"), 10, true, false);
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", false, List.of(vf0, vf1), null)), VdpaFormat.Style.TEXT))
        .isEqualTo("""
            enp3s0f0np0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN
                vf 0     link/ether 00:00:00:00:00:00 brd ff:ff:ff:ff:ff:ff, spoof checking off, link-state auto, trust off
                vf 1     link/ether 02:00:00:00:00:21 brd ff:ff:ff:ff:ff:ff, vlan 10, spoof checking on, link-state auto, trust off""");
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", false, List.of(vf1), null)), JSON)).isEqualTo(
        "[{\"ifname\":\"enp3s0f0np0\",\"flags\":[\"NO-CARRIER\",\"BROADCAST\",\"MULTICAST\",\"UP\"],\"mtu\":1500,"
            + "\"operstate\":\"DOWN\",\"vfinfo_list\":[{\"vf\":1,\"address\":\"02:00:00:00:00:21\",\"vlan_list\":[{\"vlan\":10}],"
            + "\"spoofchk\":true,\"link_state\":\"auto\",\"trust\":false}]}]");
  }

  @Test
  void vfCountersAsIpDashSShowsThem() {
    var vf0 = new net.vdpa.api.devlink.VfConfig(0, new MacAddress(0), 0, false, false);
    var c = new net.vdpa.api.port.PortCounters(1000, 64000, 3, 2000, 128000, 1);
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", false, List.of(vf0), List.of(c))), VdpaFormat.Style.TEXT))
        .isEqualTo("""
            enp3s0f0np0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 state DOWN
                vf 0     link/ether 00:00:00:00:00:00 brd ff:ff:ff:ff:ff:ff, spoof checking off, link-state auto, trust off
                RX: bytes  packets  dropped
                64000      1000     3
                TX: bytes  packets  dropped
                128000     2000     1""");
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", false, List.of(vf0), List.of(c))), JSON)).endsWith(
        "\"trust\":false,\"stats\":{\"rx\":{\"bytes\":64000,\"packets\":1000,\"dropped\":3},"
            + "\"tx\":{\"bytes\":128000,\"packets\":2000,\"dropped\":1}}}]}]");
  }

  @Test
  void portsInText() {
    assertThat(DevlinkFormat.ports(List.of(VF, SF, UPLINK), VdpaFormat.Style.TEXT)).isEqualTo("""
        pci/0000:03:00.0/1: type eth flavour pcivf controller 0 pfnum 0 vfnum 0 external false splittable false
          function:
            hw_addr 00:00:00:00:00:00
        pci/0000:03:00.0/32768: type eth flavour pcisf controller 0 pfnum 0 sfnum 88 splittable false
          function:
            hw_addr 00:00:00:00:88:88 state inactive opstate detached
        pci/0000:03:00.0/65535: type eth netdev enp3s0f0np0 flavour physical port 0 splittable false""");
  }

  @Test
  void portsInJson() {
    assertThat(DevlinkFormat.ports(List.of(SF, UPLINK), JSON)).isEqualTo("{\"port\":{"
        + "\"pci/0000:03:00.0/32768\":{\"type\":\"eth\",\"flavour\":\"pcisf\",\"controller\":0,\"pfnum\":0,\"sfnum\":88,"
        + "\"splittable\":false,\"function\":{\"hw_addr\":\"00:00:00:00:88:88\",\"state\":\"inactive\",\"opstate\":\"detached\"}},"
        + "\"pci/0000:03:00.0/65535\":{\"type\":\"eth\",\"netdev\":\"enp3s0f0np0\",\"flavour\":\"physical\",\"port\":0,\"splittable\":false}}}");
  }

  @Test
  void aPfWithCarrierIsUpWithLowerUp() {
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", true, List.of(), null)), VdpaFormat.Style.TEXT))
        .isEqualTo("enp3s0f0np0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP");
    assertThat(IpFormat.links(List.of(new IpFormat.Pf("enp3s0f0np0", true, List.of(), null)), JSON)).isEqualTo(
        "[{\"ifname\":\"enp3s0f0np0\",\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,"
            + "\"operstate\":\"UP\",\"vfinfo_list\":[]}]");
  }

  @Test
  void portCountersAsDevlinkDashSShowsThemInTheKernelsNames() {
    var fn = new net.vdpa.api.port.PortCounters(5, 320, 1, 6, 384, 2);
    var rep = new net.vdpa.api.port.PortCounters(7, 448, 0, 0, 0, 3);
    var wire = new net.vdpa.api.port.PortCounters(1, 64, 0, 2, 128, 0);
    var stats = java.util.Map.of(VF.name(), new DevlinkFormat.Stats(fn, rep), UPLINK.name(), new DevlinkFormat.Stats(wire, null));
    assertThat(DevlinkFormat.ports(List.of(VF, SF, UPLINK), stats, VdpaFormat.Style.TEXT)).isEqualTo("""
        pci/0000:03:00.0/1: type eth flavour pcivf controller 0 pfnum 0 vfnum 0 external false splittable false
          function:
            hw_addr 00:00:00:00:00:00
          stats:
            function rx_packets 5 rx_bytes 320 rx_dropped 1 tx_packets 6 tx_bytes 384 tx_dropped 2
            representor rx_packets 7 rx_bytes 448 rx_dropped 0 tx_packets 0 tx_bytes 0 tx_dropped 3
        pci/0000:03:00.0/32768: type eth flavour pcisf controller 0 pfnum 0 sfnum 88 splittable false
          function:
            hw_addr 00:00:00:00:88:88 state inactive opstate detached
        pci/0000:03:00.0/65535: type eth netdev enp3s0f0np0 flavour physical port 0 splittable false
          stats:
            uplink rx_packets 1 rx_bytes 64 rx_dropped 0 tx_packets 2 tx_bytes 128 tx_dropped 0""");
    assertThat(DevlinkFormat.ports(List.of(VF), stats, JSON)).endsWith(
        "\"stats\":{\"function\":{\"rx_packets\":5,\"rx_bytes\":320,\"rx_dropped\":1,\"tx_packets\":6,"
            + "\"tx_bytes\":384,\"tx_dropped\":2},\"representor\":{\"rx_packets\":7,\"rx_bytes\":448,\"rx_dropped\":0,"
            + "\"tx_packets\":0,\"tx_bytes\":0,\"tx_dropped\":3}}}}}");
    // the same names and order as vdpa:port stats prints for a port
    assertThat(PortFormat.counters(java.util.Map.of("enp3s0f0np0", wire), VdpaFormat.Style.TEXT))
        .isEqualTo("enp3s0f0np0: " + PortFormat.line(wire));
  }
}
