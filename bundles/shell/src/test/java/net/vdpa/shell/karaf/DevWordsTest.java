package net.vdpa.shell.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.vdpa.shell.karaf.DevWords.Kind;
import org.junit.jupiter.api.Test;

class DevWordsTest {
  private static DevWords next(String... before) {
    return DevWords.next(List.of(before));
  }

  @Test
  void theFirstWordIsASubcommand() {
    assertThat(next()).isEqualTo(new DevWords(Kind.FIXED, DevWords.SUBCOMMANDS));
  }

  @Test
  void aDeviceFollowsTheSubcommandsThatTakeOne() {
    for (String cmd : List.of("show", "del", "unbind", "bind", "override", "autoprobe")) {
      assertThat(next(cmd).kind()).as(cmd).isEqualTo(Kind.DEVICE);
    }
    assertThat(next("config").words()).containsExactly("show");
    assertThat(next("config", "show").kind()).isEqualTo(Kind.DEVICE);
    assertThat(next("vstats", "show").kind()).isEqualTo(Kind.DEVICE);
    assertThat(next("vstats", "show", "vdpa0").words()).containsExactly("qidx");
    assertThat(next("set", "name").kind()).isEqualTo(Kind.DEVICE);
  }

  @Test
  void aManagementDeviceFollowsTheMgmtdevKeyword() {
    assertThat(next("add", "name", "vdpa1", "mgmtdev").kind()).isEqualTo(Kind.MGMTDEV);
  }

  @Test
  void aDriverFollowsTheDeviceOfBindAndOverride() {
    assertThat(next("bind", "vdpa0")).isEqualTo(new DevWords(Kind.DRIVER, List.of()));
    assertThat(next("override", "vdpa0")).isEqualTo(new DevWords(Kind.DRIVER, List.of("none")));
    assertThat(next("autoprobe", "vdpa0").words()).containsExactly("on", "off");
  }

  @Test
  void addOffersItsAttributesButNotWhereAValueGoes() {
    assertThat(next("add").words()).contains("name", "mgmtdev", "mtu", "ro");
    assertThat(next("add", "name").kind()).isEqualTo(Kind.NOTHING);
    assertThat(next("add", "name", "vdpa1").words()).contains("mgmtdev");
    assertThat(next("add", "ro").words()).contains("mtu");
  }

  @Test
  void nothingIsOfferedPastTheEndOrAfterAnUnknownWord() {
    assertThat(next("show", "vdpa0").kind()).isEqualTo(Kind.NOTHING);
    assertThat(next("bind", "vdpa0", "virtio_net").kind()).isEqualTo(Kind.NOTHING);
    assertThat(next("frobnicate").kind()).isEqualTo(Kind.NOTHING);
  }
}
