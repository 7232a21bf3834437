package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class AbsenceTest {
  @Test
  void namesTheServiceAndItsBundleState() {
    assertThat(Absence.message("the vDPA bus", "net.vdpa.bus", Bundle.RESOLVED))
        .isEqualTo("the vDPA bus is not running (bundle net.vdpa.bus is RESOLVED)");
    assertThat(Absence.message("the vDPA bus", "net.vdpa.bus", 0))
        .isEqualTo("the vDPA bus is not running (bundle net.vdpa.bus is not installed)");
    assertThat(Absence.message("the device store", "net.vdpa.config", Bundle.ACTIVE))
        .isEqualTo("the device store is not running (bundle net.vdpa.config is ACTIVE but its component is not: see scr:info)");
    assertThat(Absence.message("the vDPA bus", "net.vdpa.bus", new Bundle[0]))
        .isEqualTo("the vDPA bus is not running (bundle net.vdpa.bus is not installed)");
  }
}
