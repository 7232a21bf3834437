package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import org.junit.jupiter.api.Test;

/** Bad arguments of {@code pt:traffic} are refused in one line before any port is touched. */
class PtTrafficJobTest {
  /** A driver that fails the test if anything reaches it. */
  static final PollModeDriver UNTOUCHED = new PollModeDriver() {
    @Override
    public PmdPort start(String device, String owner) {
      throw new AssertionError("a port was started for bad arguments");
    }

    @Override
    public List<PmdPort> ports() {
      throw new AssertionError("ports were listed for bad arguments");
    }
  };

  @Test
  void eachBadArgumentNamesItsValue() {
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null))
        .hasMessage("give one device (loopback) or two (from, to), e.g. pt:traffic vdpa0");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "a", "b", "c"))
        .hasMessage("give one device (loopback) or two (from, to), e.g. pt:traffic vdpa0");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "size", "59", "vdpa0"))
        .hasMessage("size 59 is outside 60..1514");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "size", "9000", "vdpa0"))
        .hasMessage("size 9000 is outside 60..1514");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "burst", "0", "vdpa0"))
        .hasMessage("burst 0 is outside 1..256");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "count", "0", "vdpa0"))
        .hasMessage("count 0 must be at least 1");
    assertThatThrownBy(() -> PtTrafficJob.run(UNTOUCHED, null, "vdpa0", "count"))
        .hasMessage("count needs a value");
  }
}
