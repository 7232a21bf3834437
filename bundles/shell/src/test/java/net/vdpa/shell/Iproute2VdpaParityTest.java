package net.vdpa.shell;

import static net.vdpa.api.net.VirtioNet.F_ACCESS_PLATFORM;
import static net.vdpa.api.net.VirtioNet.F_CSUM;
import static net.vdpa.api.net.VirtioNet.F_CTRL_MAC_ADDR;
import static net.vdpa.api.net.VirtioNet.F_CTRL_VQ;
import static net.vdpa.api.net.VirtioNet.F_GUEST_CSUM;
import static net.vdpa.api.net.VirtioNet.F_MAC;
import static net.vdpa.api.net.VirtioNet.F_MQ;
import static net.vdpa.api.net.VirtioNet.F_MTU;
import static net.vdpa.api.net.VirtioNet.F_STATUS;
import static net.vdpa.api.net.VirtioNet.F_VERSION_1;
import static net.vdpa.api.net.VirtioNet.bit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.vdpa.api.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * Parity with what Linux's {@code vdpa} printed for the same commands: iproute2-vdpa-recorded.txt
 * holds outputs its authors recorded in iproute2's commit messages (each section names its commit);
 * each test gives the formatter the same devices (names, MACs, features, sizes) and compares
 * exactly. Two differences are deliberate and named where they apply: iproute2's text lines end
 * with a space ({@code "mtu %d "}), ours do not; iproute2's JSON keys {@code "link "} and {@code
 * "link_announce "} carry a trailing space (vdpa.c passes {@code "link "} as the key), ours are
 * {@code link} and {@code link_announce}.
 */
class Iproute2VdpaParityTest {
  private static final VdpaFormat.Style TEXT = VdpaFormat.Style.TEXT;
  private static final VdpaFormat.Style PRETTY = new VdpaFormat.Style(true, true);
  /** The features of the mlx5 examples (commits 56eb8bf4 and bd91c764). */
  private static final long MLX5 = bit(F_CSUM) | bit(F_GUEST_CSUM) | bit(F_MTU) | bit(11) | bit(12) | bit(F_STATUS)
      | bit(F_CTRL_VQ) | bit(F_MQ) | bit(F_CTRL_MAC_ADDR) | bit(F_VERSION_1) | bit(F_ACCESS_PLATFORM);
  private static final RecordedOutputs RECORDED = new RecordedOutputs("iproute2-vdpa-recorded.txt");

  private static String section(String name) {
    return RECORDED.get(name);
  }

  /** iproute2's JSON key slip, named: its keys "link " and "link_announce " are ours without the space. */
  private static String withoutKeySpaces(String json) {
    return json.replace("\"link \":", "\"link\":").replace("\"link_announce \":", "\"link_announce\":");
  }

  @Test
  void theRecordingHoldsEverySection() {
    assertThat(RECORDED.names()).containsExactly("dev-show", "dev-show-jp", "mgmtdev-show", "mgmtdev-show-jp",
        "config-show-mtu", "config-show-features", "config-show-features-jp", "config-show-jp");
  }

  @Test
  void devShow() {
    List<Views.Dev> d = List.of(new Views.Dev("foo2", 1, "vdpasim_net", 0, 2, 256));
    assertThat(VdpaFormat.devs(d, TEXT)).isEqualTo(section("dev-show"));
    assertThat(VdpaFormat.devs(d, PRETTY)).isEqualTo(section("dev-show-jp"));
  }

  @Test
  void mgmtdevShow() {
    List<Views.Mgmtdev> m = List.of(new Views.Mgmtdev("auxiliary/mlx5_core.sf.1", List.of("net"), 257, MLX5 & ~bit(F_MAC)));
    assertThat(VdpaFormat.mgmtdevs(m, TEXT)).isEqualTo(section("mgmtdev-show"));
    assertThat(VdpaFormat.mgmtdevs(m, PRETTY)).isEqualTo(section("mgmtdev-show-jp"));
  }

  @Test
  void configShowOfADeviceWithoutMultiqueueHasNoMaxVqPairs() {
    // vdpasim_net of Linux offers no MQ: the kernel does not report max_vq_pairs, and no features were negotiated yet
    Views.Config bar = new Views.Config("bar", MacAddress.parse("00:11:22:33:44:55"), true, false, -1, 9000, -1);
    assertThat(VdpaFormat.configs(List.of(bar), TEXT)).isEqualTo(section("config-show-mtu"));
    Views.Config vdpa0 = new Views.Config("vdpa0", MacAddress.parse("00:11:22:33:44:55"), true, false, -1, 1500, -1);
    assertThat(VdpaFormat.configs(List.of(vdpa0), PRETTY)).isEqualTo(withoutKeySpaces(section("config-show-jp")));
  }

  @Test
  void configShowWithNegotiatedFeatures() {
    Views.Config a = new Views.Config("vdpa-a", MacAddress.parse("00:00:00:00:88:88"), true, false, 2, 9000, MLX5 | bit(F_MAC));
    assertThat(VdpaFormat.configs(List.of(a), TEXT)).isEqualTo(section("config-show-features"));
    assertThat(VdpaFormat.configs(List.of(a), PRETTY)).isEqualTo(withoutKeySpaces(section("config-show-features-jp")));
  }
}
