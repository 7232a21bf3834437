package net.vdpa.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;

/** Script mode waits only while the vdpa health check says something is still coming up. */
class ReadinessTest {
  @Test
  void aTemporarilyUnavailableEntryHoldsTheScript() {
    FormattingResultLog log = new FormattingResultLog();
    log.warn("kept device u is not bound: autoprobe is off");
    log.temporarilyUnavailable("device a is {}", "probing");
    assertThat(Readiness.settling(new Result(log))).hasValue("device a is probing");
  }

  @Test
  void criticalAndWarnDoNotChangeByWaiting() {
    FormattingResultLog log = new FormattingResultLog();
    log.critical("device vdpa0 needs a reset (DEVICE_NEEDS_RESET)");
    log.warn("kept device g waits for management device vdpasim_blk");
    log.info("1 devices on the bus, 1 bound, 2 kept");
    assertThat(Readiness.settling(new Result(log))).isEmpty();
  }
}
