package net.vdpa.device.smartnic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Hashtable;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An adapter's functions as management devices, devlink's changes, bad input, and a restart. */
class AdapterTest {
  private final TestAdapters t = new TestAdapters();

  @AfterEach
  void tearDown() {
    t.close();
  }

  private static DevConfig dev(String name, Integer maxVqp) {
    return new DevConfig(name, null, null, maxVqp, null);
  }

  @Test
  void vfsAreManagementDevicesNamedByTheirPciAddress() {
    Adapter a = t.standard();
    assertThat(t.mgmtdevs).isEmpty();
    a.setNumVfs(3);
    assertThat(t.mgmtdevs).containsOnlyKeys("pci/0000:03:00.2", "pci/0000:03:00.3", "pci/0000:03:00.4");
    assertThat(t.mgmtdevs.get("pci/0000:03:00.2").maxSupportedVqs()).isEqualTo(9);
    t.mgmtdevs.get("pci/0000:03:00.2").devAdd(dev("vdpa1", 4));
    assertThat(t.devices).containsKey("vdpa1");
    assertThat(a.ports()).extracting(DevlinkPort::name).containsExactly("pci/0000:03:00.0/1", "pci/0000:03:00.0/2",
        "pci/0000:03:00.0/3", "pci/0000:03:00.0/65535");
    assertThat(a.dev().numVfs()).isEqualTo(3);
  }

  @Test
  void aVfAddressCarriesIntoTheNextDevice() {
    assertThat(PciAddress.parse("0000:03:00.0").vf(6).toString()).isEqualTo("0000:03:01.0");
    assertThat(PciAddress.parse("0000:03:00.0").vf(0).toString()).isEqualTo("0000:03:00.2");
  }

  @Test
  void aFunctionTakesOneDeviceWithAtMostItsQueuePairs() {
    Adapter a = t.standard();
    a.setNumVfs(1);
    var vf = t.mgmtdevs.get("pci/0000:03:00.2");
    assertThatThrownBy(() -> vf.devAdd(dev("big", 5)))
        .hasMessage("max_vqp 5 needs 10 queues; management device pci/0000:03:00.2 supports at most 9");
    vf.devAdd(dev("one", null));
    assertThatThrownBy(() -> vf.devAdd(dev("two", null)))
        .hasMessage("management device pci/0000:03:00.2 carries device one already; a function has one vDPA device");
  }

  @Test
  void theVfCountIsCheckedAndChangedOnlyThroughZero() {
    Adapter a = t.standard();
    assertThatThrownBy(() -> a.setNumVfs(5)).hasMessage("sriov_numvfs 5 is outside 0..4");
    assertThatThrownBy(() -> a.setNumVfs(-1)).hasMessage("sriov_numvfs -1 is outside 0..4");
    a.setNumVfs(2);
    assertThatThrownBy(() -> a.setNumVfs(3))
        .hasMessage("pci/0000:03:00.0 has 2 VFs; set sriov_numvfs to 0 before setting it to 3 (as Linux asks)");
    t.mgmtdevs.get("pci/0000:03:00.3").devAdd(dev("vdpa7", null));
    assertThatThrownBy(() -> a.setNumVfs(0)).hasMessage(
        "pci/0000:03:00.0: VFs carry vDPA devices vdpa7 (pci/0000:03:00.3); delete them before disabling the VFs");
    assertThat(t.mgmtdevs).hasSize(2);
    t.mgmtdevs.get("pci/0000:03:00.3").devDel("vdpa7");
    a.setNumVfs(0);
    assertThat(t.mgmtdevs).isEmpty();
  }

  @Test
  void anSfIsAddedInactiveAndBecomesAManagementDeviceWhenActive() {
    Adapter a = t.standard();
    DevlinkPort p = a.addSf(0, 88);
    assertThat(p.name()).isEqualTo("pci/0000:03:00.0/32768");
    assertThat(p.flavour()).isEqualTo(PortFlavour.PCISF);
    assertThat(p.state()).isEqualTo(FunctionState.INACTIVE);
    assertThat(t.mgmtdevs).isEmpty();
    MacAddress mac = MacAddress.parse("00:00:00:00:88:88");
    DevlinkPort q = a.setFunction(32768, mac, FunctionState.ACTIVE);
    assertThat(q.attached()).isTrue();
    assertThat(q.mgmtdev()).isEqualTo("auxiliary/smartnic.sf.1");
    assertThat(t.mgmtdevs).containsOnlyKeys("auxiliary/smartnic.sf.1");
    // a device without a MAC takes the function's
    var d = (FunctionDevice) t.mgmtdevs.get("auxiliary/smartnic.sf.1").devAdd(dev("sfdev", null));
    assertThat(d.spec().mac()).isEqualTo(mac);
  }

  @Test
  void sfMistakesAreRefusedAndChangeNothing() {
    Adapter a = t.standard();
    assertThatThrownBy(() -> a.addSf(1, 5)).hasMessage("pfnum 1 is outside 0..0");
    assertThatThrownBy(() -> a.addSf(0, -1)).hasMessage("sfnum -1 is outside 0..999999");
    a.addSf(0, 88);
    assertThatThrownBy(() -> a.addSf(0, 88)).hasMessage("sfnum 88 is in use on pci/0000:03:00.0 (port pci/0000:03:00.0/32768)");
    a.addSf(0, 1);
    a.addSf(0, 2);
    a.addSf(0, 3);
    assertThatThrownBy(() -> a.addSf(0, 4)).hasMessage("pci/0000:03:00.0 has 4 SFs, its maximum (max_sfs 4)");
    assertThatThrownBy(() -> a.delPort(65535)).hasMessage("port pci/0000:03:00.0/65535 is an uplink (physical) port; it has no function");
    assertThatThrownBy(() -> a.delPort(7)).hasMessage("there is no port pci/0000:03:00.0/7");
    assertThatThrownBy(() -> a.setFunction(32768, MacAddress.parse("01:00:5e:00:00:01"), null))
        .hasMessageContaining("01:00:5e:00:00:01");
    a.setFunction(32768, null, FunctionState.ACTIVE);
    t.mgmtdevs.get("auxiliary/smartnic.sf.1").devAdd(dev("busy", null));
    assertThatThrownBy(() -> a.delPort(32768))
        .hasMessage("port pci/0000:03:00.0/32768 (sfnum 88) carries vDPA device busy (auxiliary/smartnic.sf.1); delete it first");
    assertThatThrownBy(() -> a.setFunction(32768, null, FunctionState.INACTIVE))
        .hasMessage("port pci/0000:03:00.0/32768 carries vDPA device busy (auxiliary/smartnic.sf.1); delete it before "
            + "changing its function's state");
    assertThat(a.ports()).hasSize(5);
    assertThat(t.mgmtdevs).containsOnlyKeys("auxiliary/smartnic.sf.1");
    a.setNumVfs(1);
    assertThatThrownBy(() -> a.setFunction(1, null, FunctionState.INACTIVE))
        .hasMessage("port pci/0000:03:00.0/1 is a pcivf port; only pcisf functions have a state");
    assertThatThrownBy(() -> a.delPort(1)).hasMessage("port pci/0000:03:00.0/1 is a pcivf port; only pcisf ports can be deleted");
  }

  @Test
  void theModeCannotChangeUnderDevicesAndSwitchdevGivesEveryFunctionARepresentor() {
    Adapter a = t.standard();
    a.setMode(EswitchMode.LEGACY);
    a.setNumVfs(1);
    t.mgmtdevs.get("pci/0000:03:00.2").devAdd(dev("vdpa1", null));
    assertThatThrownBy(() -> a.setMode(EswitchMode.SWITCHDEV)).hasMessage("pci/0000:03:00.0: eswitch mode stays legacy: "
        + "functions carry vDPA devices vdpa1 (pci/0000:03:00.2); delete them first");
    assertThat(t.interfaces).isEmpty();
    t.mgmtdevs.get("pci/0000:03:00.2").devDel("vdpa1");
    a.setMode(EswitchMode.SWITCHDEV);
    assertThat(a.dev().mode()).isEqualTo(EswitchMode.SWITCHDEV);
    // every function has a representor, and the uplink has one too: the PF's netdev
    assertThat(t.interfaces).containsOnlyKeys("enp3s0f0np0", "enp3s0f0npf0vf0");
    assertThat(t.interfaces.get("enp3s0f0npf0vf0").device()).isEqualTo("pci/0000:03:00.2");
    assertThat(t.interfaces.get("enp3s0f0np0").device()).isEqualTo("pci/0000:03:00.0");
    assertThat(a.ports()).filteredOn(p -> p.flavour() == PortFlavour.PCIVF).extracting(DevlinkPort::netdev)
        .containsExactly("enp3s0f0npf0vf0");
    // functions added or removed later get or lose theirs
    a.addSf(0, 88);
    assertThat(t.interfaces).containsOnlyKeys("enp3s0f0np0", "enp3s0f0npf0vf0", "enp3s0f0npf0sf88");
    a.setNumVfs(0);
    a.setNumVfs(2);
    assertThat(t.interfaces).containsOnlyKeys("enp3s0f0np0", "enp3s0f0npf0sf88", "enp3s0f0npf0vf0", "enp3s0f0npf0vf1");
    a.setMode(EswitchMode.LEGACY);
    assertThat(t.interfaces).isEmpty();
    a.setMode(EswitchMode.SWITCHDEV);
    // the mode is kept: a restart comes back in switchdev mode with the representors
    t.close();
    assertThat(t.interfaces).isEmpty();
    TestAdapters again = new TestAdapters(t.store);
    Adapter b = again.standard();
    assertThat(b.dev().mode()).isEqualTo(EswitchMode.SWITCHDEV);
    assertThat(again.interfaces).containsOnlyKeys("enp3s0f0np0", "enp3s0f0npf0vf0", "enp3s0f0npf0vf1", "enp3s0f0npf0sf88");
    again.close();
  }

  @Test
  void aRestartBringsBackVfsSfsAndTheirSettings() {
    Adapter a = t.standard();
    a.setNumVfs(2);
    a.setFunction(2, MacAddress.parse("02:00:00:00:00:12"), null);
    a.addSf(0, 88);
    a.addSf(0, 7);
    a.setFunction(32769, MacAddress.parse("02:00:00:00:00:77"), FunctionState.ACTIVE);
    a.delPort(32768);
    List<DevlinkPort> before = a.ports();
    t.close();
    assertThat(t.mgmtdevs).isEmpty();

    TestAdapters again = new TestAdapters(t.store);
    try {
      Adapter b = again.standard();
      assertThat(b.ports()).isEqualTo(before);
      assertThat(again.mgmtdevs).containsOnlyKeys("pci/0000:03:00.2", "pci/0000:03:00.3", "auxiliary/smartnic.sf.2");
    } finally {
      again.close();
    }
  }

  @Test
  void vfSettingsAreCheckedAppliedAndKept() {
    Adapter a = t.standard();
    assertThat(a.netdev()).isEqualTo("enp3s0f0np0");
    assertThatThrownBy(() -> a.setVf(0, null, 10, null, null)).hasMessage("vf 0: enp3s0f0np0 has no VFs (sriov_numvfs is 0)");
    a.setNumVfs(2);
    assertThatThrownBy(() -> a.setVf(2, null, 10, null, null)).hasMessage("vf 2 is outside 0..1");
    assertThatThrownBy(() -> a.setVf(0, null, 4095, null, null)).hasMessage("vlan 4095 is outside 0..4094");
    assertThat(a.vfs().get(0).vlan()).isZero();
    a.setVf(1, MacAddress.parse("02:00:00:00:00:21"), 10, true, false);
    assertThat(a.vfs()).containsExactly(new net.vdpa.api.devlink.VfConfig(0, new MacAddress(0), 0, false, false),
        new net.vdpa.api.devlink.VfConfig(1, MacAddress.parse("02:00:00:00:00:21"), 10, true, false));
    t.close();
    TestAdapters again = new TestAdapters(t.store);
    try {
      Adapter b = again.standard();
      assertThat(b.vfs()).containsExactly(new net.vdpa.api.devlink.VfConfig(0, new MacAddress(0), 0, false, false),
          new net.vdpa.api.devlink.VfConfig(1, MacAddress.parse("02:00:00:00:00:21"), 10, true, false));
    } finally {
      again.close();
    }
  }

  @Test
  void aClosedAdapterDeletesItsFunctionsDevices() {
    Adapter a = t.standard();
    a.setNumVfs(2);
    t.mgmtdevs.get("pci/0000:03:00.2").devAdd(dev("x1", null));
    t.mgmtdevs.get("pci/0000:03:00.3").devAdd(dev("x2", null));
    t.adapters.delete("a1");
    assertThat(t.devices).isEmpty();
    assertThat(t.mgmtdevs).isEmpty();
    assertThatThrownBy(() -> t.adapters.adapter("pci/0000:03:00.0")).hasMessage("there is no devlink device pci/0000:03:00.0");
  }

  @Test
  void configurationsAreChecked() {
    Hashtable<String, Object> p = new Hashtable<>();
    assertThatThrownBy(() -> AdapterConfig.from(p)).hasMessageStartingWith("property pci is missing");
    p.put("pci", "03:00.0");
    assertThatThrownBy(() -> AdapterConfig.from(p)).hasMessage("pci address '03:00.0' is not of the form DDDD:BB:DD.F (such as 0000:03:00.0)");
    p.put("pci", "0000:03:00.0");
    p.put("uplinks", 3);
    assertThatThrownBy(() -> AdapterConfig.from(p)).hasMessage("uplinks 3 is outside 1..2");
    p.put("uplinks", "2");
    p.put("queue_pairs", 17);
    assertThatThrownBy(() -> AdapterConfig.from(p)).hasMessage("queue_pairs 17 is outside 1..16");
    p.remove("queue_pairs");
    AdapterConfig c = AdapterConfig.from(p);
    assertThat(c.uplinks()).isEqualTo(2);
    assertThat(c.queuePairs()).isEqualTo(4);
    t.adapters.update("x", c);
    assertThatThrownBy(() -> t.adapters.update("y", c)).hasMessage("pci 0000:03:00.0 is the address of adapter x already");
  }
}
