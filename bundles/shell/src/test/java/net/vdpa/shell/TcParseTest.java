package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.FlowAction;
import net.vdpa.api.devlink.FlowMatch;
import net.vdpa.api.devlink.FlowRule;
import net.vdpa.api.devlink.FlowRuleStats;
import org.junit.jupiter.api.Test;

class TcParseTest {
  private static FlowRule parse(String line) {
    return TcParse.rule(List.of(line.split(" ")), 49152);
  }

  @Test
  void readsTcsFlowerWordsAndActionsInOrder() {
    assertThat(parse("prio 10 flower dst_mac 02:00:00:00:05:1b action mirred egress redirect dev enp5s0f0npf0vf1"))
        .isEqualTo(new FlowRule(10, new FlowMatch(MacAddress.parse("02:00:00:00:05:1b"), null, null, null),
            List.of(new FlowAction.Redirect("enp5s0f0npf0vf1"))));
    assertThat(parse("protocol 802.1q flower vlan_id 5 vlan_ethtype ip src_mac 02:00:00:00:00:01 skip_sw "
        + "action vlan pop action mirred egress mirror dev r2 action drop"))
        .isEqualTo(new FlowRule(49152, new FlowMatch(null, MacAddress.parse("02:00:00:00:00:01"), 5, 0x0800),
            List.of(new FlowAction.VlanPop(), new FlowAction.Mirror("r2"), new FlowAction.Drop())));
    assertThat(parse("pref 3 protocol 0x88b5 flower action vlan push id 100").match().ethType()).isEqualTo(0x88b5);
  }

  @Test
  void aWrongWordIsNamed() {
    assertThatThrownBy(() -> parse("flower")).hasMessage("tc: a rule needs an action (drop, mirred, vlan)");
    assertThatThrownBy(() -> parse("prio 0 flower action drop")).hasMessage("tc: prio 0 is outside 1..65535");
    assertThatThrownBy(() -> parse("u32 match")).hasMessage("tc: 'u32' is not understood here (expected prio, protocol or flower)");
    assertThatThrownBy(() -> parse("prio 1")).hasMessage("tc: only the flower classifier is supported: add 'flower'");
    assertThatThrownBy(() -> parse("flower ip_proto tcp action drop"))
        .hasMessage("tc: flower match 'ip_proto' is not supported (dst_mac, src_mac, vlan_id, vlan_ethtype)");
    assertThatThrownBy(() -> parse("flower vlan_id 4096 action drop")).hasMessage("tc: vlan_id 4096 is outside 0..4095");
    assertThatThrownBy(() -> parse("flower action mirred ingress redirect dev x"))
        .hasMessage("tc: mirred direction 'ingress' is not supported (egress)");
    assertThatThrownBy(() -> parse("flower action mirred egress redirect dev"))
        .hasMessage("tc: mirred's device is missing");
    assertThatThrownBy(() -> parse("flower action vlan push id 4095")).hasMessage("tc: vlan push id 4095 is outside 1..4094");
    assertThatThrownBy(() -> parse("flower action drop action vlan pop")).hasMessage("action 1 (drop) must be the last");
    assertThatThrownBy(() -> parse("protocol mpls flower action drop"))
        .hasMessage("tc: protocol 'mpls' is not all, 802.1q, ip, ipv6, arp or 0xNNNN");
    assertThatThrownBy(() -> parse("flower dst_mac zz action drop")).hasMessageContaining("zz");
  }

  @Test
  void showsRulesAsTcDoesWithCountersUnderS() {
    FlowRule r = new FlowRule(10, new FlowMatch(MacAddress.parse("02:00:00:00:05:1b"), null, 5, null),
        List.of(new FlowAction.VlanPop(), new FlowAction.Redirect("rep1")));
    FlowRuleStats s = new FlowRuleStats("rep0", r, 100, 6400);
    assertThat(TcCommands.show(List.of(s), true)).isEqualTo(String.join("\n",
        "filter protocol 802.1Q pref 10 flower chain 0 handle 0x1",
        "  vlan_id 5",
        "  dst_mac 02:00:00:00:05:1b",
        "  in_hw in_hw_count 1",
        "\taction order 1: vlan  pop pipe",
        "\taction order 2: mirred (Egress Redirect to device rep1) stolen",
        "\tSent 6400 bytes 100 pkt"));
    assertThat(TcCommands.show(List.of(s), false)).doesNotContain("Sent");
  }
}
