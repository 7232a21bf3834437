package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.vdpa.api.MacAddress;
import org.junit.jupiter.api.Test;

class DevSetArgsTest {
  @Test
  void nameAndMacInAnyOrder() {
    assertThat(DevSetArgs.parse(List.of("mac", "02:00:00:00:00:01", "name", "vdpa0")))
        .isEqualTo(new DevSetArgs("vdpa0", MacAddress.parse("02:00:00:00:00:01")));
  }

  @Test
  void refusalsNameWhatIsWrong() {
    assertThatThrownBy(() -> DevSetArgs.parse(List.of("name", "vdpa0", "mac"))).hasMessage("attribute mac needs a value");
    assertThatThrownBy(() -> DevSetArgs.parse(List.of("name", "vdpa0", "mtu", "9000")))
        .hasMessage("unknown attribute 'mtu': expected name or mac");
    assertThatThrownBy(() -> DevSetArgs.parse(List.of("mac", "02:00:00:00:00:01"))).hasMessage("device name is not set.");
    assertThatThrownBy(() -> DevSetArgs.parse(List.of("name", "vdpa0"))).hasMessage("nothing to set: give mac MAC");
  }
}
