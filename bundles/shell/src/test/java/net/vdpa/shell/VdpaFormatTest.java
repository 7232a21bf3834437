package net.vdpa.shell;

import static net.vdpa.api.net.VirtioNet.F_ACCESS_PLATFORM;
import static net.vdpa.api.net.VirtioNet.F_CTRL_MAC_ADDR;
import static net.vdpa.api.net.VirtioNet.F_CTRL_VQ;
import static net.vdpa.api.net.VirtioNet.F_MAC;
import static net.vdpa.api.net.VirtioNet.F_MTU;
import static net.vdpa.api.net.VirtioNet.F_VERSION_1;
import static net.vdpa.api.net.VirtioNet.bit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.MacAddress;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.State;
import net.vdpa.api.dto.DeviceDTO.Stay;
import org.junit.jupiter.api.Test;

class VdpaFormatTest {
  private static final VdpaFormat.Style TEXT = VdpaFormat.Style.TEXT;
  private static final VdpaFormat.Style JSON = new VdpaFormat.Style(true, false);
  private static final VdpaFormat.Style PRETTY = new VdpaFormat.Style(true, true);
  private static final long SIM = bit(F_MTU) | bit(F_MAC) | bit(F_CTRL_VQ) | bit(F_CTRL_MAC_ADDR) | bit(27)
      | bit(F_VERSION_1) | bit(F_ACCESS_PLATFORM);

  @Test
  void mgmtdevShowLikeIproute2() {
    List<Views.Mgmtdev> m = List.of(new Views.Mgmtdev("vdpasim_net", List.of("net"), 3, SIM));
    assertThat(VdpaFormat.mgmtdevs(m, TEXT)).isEqualTo("""
        vdpasim_net:
          supported_classes net
          max_supported_vqs 3
          dev_features MTU MAC CTRL_VQ CTRL_MAC_ADDR ANY_LAYOUT VERSION_1 ACCESS_PLATFORM""");
    assertThat(VdpaFormat.mgmtdevs(m, JSON)).isEqualTo("{\"mgmtdev\":{\"vdpasim_net\":{\"supported_classes\":[\"net\"],"
        + "\"max_supported_vqs\":3,\"dev_features\":[\"MTU\",\"MAC\",\"CTRL_VQ\",\"CTRL_MAC_ADDR\",\"ANY_LAYOUT\","
        + "\"VERSION_1\",\"ACCESS_PLATFORM\"]}}}");
  }

  @Test
  void devShowLikeIproute2() {
    List<Views.Dev> d = List.of(new Views.Dev("foo2", 1, "vdpasim_net", 0, 2, 256));
    assertThat(VdpaFormat.devs(d, TEXT)).isEqualTo("foo2: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 2 max_vq_size 256");
    assertThat(VdpaFormat.devs(d, PRETTY)).isEqualTo("""
        {
            "dev": {
                "foo2": {
                    "type": "network",
                    "mgmtdev": "vdpasim_net",
                    "vendor_id": 0,
                    "max_vqs": 2,
                    "max_vq_size": 256
                }
            }
        }""");
  }

  @Test
  void devShowGainsAHostColumnOnlyWithOtherRuntimes() {
    List<Views.Dev> d = List.of(new Views.Dev("vdpa0", 1, "vdpasim_net", 0, 3, 1024).on("A"),
        new Views.Dev("vdpa0", 1, "vdpasim_net", 0, 3, 1024, "B"));
    assertThat(VdpaFormat.devs(d, TEXT)).isEqualTo("""
        vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024 host A
        vdpa0: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024 host B""");
    assertThat(VdpaFormat.devs(d, JSON)).isEqualTo("{\"dev\":{\"A/vdpa0\":{\"type\":\"network\",\"mgmtdev\":\"vdpasim_net\","
        + "\"vendor_id\":0,\"max_vqs\":3,\"max_vq_size\":1024,\"host\":\"A\"},\"B/vdpa0\":{\"type\":\"network\","
        + "\"mgmtdev\":\"vdpasim_net\",\"vendor_id\":0,\"max_vqs\":3,\"max_vq_size\":1024,\"host\":\"B\"}}}");
  }

  @Test
  void hostIsTakenOutOfACommandsWords() {
    List<String> w = new java.util.ArrayList<>(List.of("name", "r0", "host", "B", "mgmtdev", "vdpasim_net"));
    assertThat(RemoteDevs.takeHost(w)).isEqualTo("B");
    assertThat(w).containsExactly("name", "r0", "mgmtdev", "vdpasim_net");
    assertThat(RemoteDevs.takeHost(w)).isNull();
    assertThatThrownBy(() -> RemoteDevs.takeHost(new java.util.ArrayList<>(List.of("r0", "host"))))
        .hasMessage("attribute host needs a value");
  }

  @Test
  void configShowWithAndWithoutNegotiatedFeatures() {
    Views.Config c = new Views.Config("vdpa-a", MacAddress.parse("00:00:00:00:88:88"), true, false, 3, 1500,
        bit(F_MTU) | bit(F_MAC) | bit(F_VERSION_1));
    assertThat(VdpaFormat.configs(List.of(c), TEXT)).isEqualTo(
        "vdpa-a: mac 00:00:00:00:88:88 link up link_announce false max_vq_pairs 3 mtu 1500\n"
            + "  negotiated_features MTU MAC VERSION_1");
    Views.Config idle = new Views.Config("b", MacAddress.parse("02:00:00:00:00:01"), false, false, 1, 9000, -1);
    assertThat(VdpaFormat.configs(List.of(idle), JSON)).isEqualTo(
        "{\"config\":{\"b\":{\"mac\":\"02:00:00:00:00:01\",\"link\":\"down\",\"link_announce\":false,\"max_vq_pairs\":1,\"mtu\":9000}}}");
  }

  @Test
  void blockConfigNamesTheVirtioBlkFields() {
    Views.BlkConfig b = new Views.BlkConfig("blk0", 262144, 512, 128, 1048576, 1, 65536, 65536, 1L << 32 | 1L << 9);
    assertThat(VdpaFormat.configs(List.of(b), TEXT)).isEqualTo("blk0: capacity 262144 blk_size 512 seg_max 128"
        + " size_max 1048576 num_queues 1 max_discard_sectors 65536 max_write_zeroes_sectors 65536\n"
        + "  negotiated_features FLUSH VERSION_1");
    assertThat(VdpaFormat.configs(List.of(b), JSON)).isEqualTo("{\"config\":{\"blk0\":{\"capacity\":262144,"
        + "\"blk_size\":512,\"seg_max\":128,\"size_max\":1048576,\"num_queues\":1,\"max_discard_sectors\":65536,"
        + "\"max_write_zeroes_sectors\":65536,\"negotiated_features\":[\"FLUSH\",\"VERSION_1\"]}}}");
  }

  /**
   * Expected outputs recorded from iproute2's {@code vdpa/vdpa.c} ({@code pr_out_dev_net_vstats},
   * commit ee2a4a86 of github.com/iproute2/iproute2; the same lines are the examples of its commit
   * 6f97e9c9 "vdpa: Add support for reading vdpa device statistics"): {@code print_queue_type} prints
   * {@code queue_type} from the queue index (the index itself is not printed), then every vendor
   * attribute name becomes a key of its own with its u64 value. Text ends without iproute2's trailing
   * space; JSON pretty-prints with iproute2's four-space indent.
   */
  @Test
  void vstatsShowAsIproute2PrintsIt() {
    Map<String, Long> s = new LinkedHashMap<>();
    s.put("received_desc", 321812L);
    s.put("completed_desc", 321812L);
    Views.Vstats v = new Views.Vstats("vdpa-a", 1, "tx", s);
    assertThat(VdpaFormat.vstats(v, TEXT)).isEqualTo("vdpa-a: queue_type tx received_desc 321812 completed_desc 321812");
    Map<String, Long> rx = new LinkedHashMap<>();
    rx.put("received_desc", 114855L);
    rx.put("completed_desc", 114617L);
    Views.Vstats q0 = new Views.Vstats("vdpa-a", 0, "rx", rx);
    assertThat(VdpaFormat.vstats(q0, JSON)).isEqualTo(
        "{\"vstats\":{\"vdpa-a\":{\"queue_type\":\"rx\",\"received_desc\":114855,\"completed_desc\":114617}}}");
    assertThat(VdpaFormat.vstats(q0, new VdpaFormat.Style(true, true))).isEqualTo("""
        {
            "vstats": {
                "vdpa-a": {
                    "queue_type": "rx",
                    "received_desc": 114855,
                    "completed_desc": 114617
                }
            }
        }""");
    Views.Vstats ctrl = new Views.Vstats("vdpa-a", 16, "control_vq", Map.of("received_desc", 17L));
    assertThat(VdpaFormat.vstats(ctrl, TEXT)).isEqualTo("vdpa-a: queue_type control_vq received_desc 17");
  }

  @Test
  void busShowNamesWhyADeviceIsUnbound() {
    List<Views.BusLine> l = List.of(new Views.BusLine("vdpa0", State.BOUND, "virtio_net", null, null, true),
        new Views.BusLine("vdpa1", State.UNBOUND, null, "waiting for driver 'vhost_vdpa' (driver override; it is not loaded)", "vhost_vdpa", true));
    assertThat(VdpaFormat.bus(true, l, TEXT)).isEqualTo("""
        autoprobe on
        vdpa0: bound driver virtio_net autoprobe on
        vdpa1: unbound driver_override vhost_vdpa autoprobe on
          reason waiting for driver 'vhost_vdpa' (driver override; it is not loaded)""");
    assertThat(VdpaFormat.bus(false, List.of(), JSON)).isEqualTo("{\"bus\":{\"autoprobe\":false,\"dev\":{}}}");
  }

  @Test
  void busShowSaysWhereADeviceBelongsAndWhyItStays() {
    List<Views.BusLine> l = List.of(
        new Views.BusLine("a", State.BOUND, "low", null, null, true, Placement.AUTOPROBE, "virtio_net", null, null),
        new Views.BusLine("b", State.BOUND, "vhost_vdpa", null, null, true, Placement.BIND, "virtio_net",
            Stay.PLACED_BY_BIND, "placed on vhost_vdpa by bind"),
        new Views.BusLine("c", State.UNBOUND, null, "waiting for driver virtio_net to come back; no driver takes it by "
            + "autoprobe (vhost_vdpa on request only: bind or driver override)", null, true, null, "virtio_net", null, null));
    assertThat(VdpaFormat.bus(true, l, TEXT)).isEqualTo("""
        autoprobe on
        a: bound driver low autoprobe on
          returns to virtio_net when it is back
        b: bound driver vhost_vdpa placed_by bind autoprobe on
          stays although virtio_net is back: placed on vhost_vdpa by bind
        c: unbound autoprobe on
          reason waiting for driver virtio_net to come back; no driver takes it by autoprobe (vhost_vdpa on request only: bind or driver override)""");
    assertThat(VdpaFormat.bus(true, l.subList(1, 2), JSON)).isEqualTo("{\"bus\":{\"autoprobe\":true,\"dev\":{\"b\":"
        + "{\"state\":\"bound\",\"driver\":\"vhost_vdpa\",\"driver_override\":null,\"autoprobe\":true,\"reason\":null,"
        + "\"placement\":\"bind\",\"displaced_from\":\"virtio_net\",\"stay\":\"placed_by_bind\","
        + "\"stay_reason\":\"placed on vhost_vdpa by bind\"}}}}");
  }

  @Test
  void jsonEscapes() {
    assertThat(Json.write(Map.of("a\"b", "x\\y\n\t\u0001"), false))
        .isEqualTo("{\"a\\\"b\":\"x\\\\y\\n\\t\\u0001\"}");
  }

  /** iproute2's -jp (lib/json_writer.c): arrays stay on one line as [ a,b ], objects in them open on that line. */
  @Test
  void prettyArraysAndEmptyValuesAsIproute2LaysThemOut() {
    List<Views.Mgmtdev> m = List.of(new Views.Mgmtdev("vdpasim_net", List.of("net"), 3, SIM));
    assertThat(VdpaFormat.mgmtdevs(m, PRETTY)).isEqualTo("""
        {
            "mgmtdev": {
                "vdpasim_net": {
                    "supported_classes": [ "net" ],
                    "max_supported_vqs": 3,
                    "dev_features": [ "MTU","MAC","CTRL_VQ","CTRL_MAC_ADDR","ANY_LAYOUT","VERSION_1","ACCESS_PLATFORM" ]
                }
            }
        }""");
    assertThat(VdpaFormat.bus(false, List.of(), PRETTY)).isEqualTo("""
        {
            "bus": {
                "autoprobe": false,
                "dev": {}
            }
        }""");
    Map<String, Object> link = new LinkedHashMap<>();
    link.put("ifname", "enp3s0f0np0");
    link.put("flags", List.of());
    assertThat(Json.write(List.of(link, Map.of("ifname", "x")), true)).isEqualTo("""
        [ {
                "ifname": "enp3s0f0np0",
                "flags": [ ]
            },{
                "ifname": "x"
            } ]""");
  }
}
