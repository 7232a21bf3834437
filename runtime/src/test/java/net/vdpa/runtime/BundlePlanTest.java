package net.vdpa.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundlePlanTest {
  private static final String HERE = "jar:file:/opt/vdpa-runtime.jar!/jar/driver.virtionet-0.1.0-SNAPSHOT.jar";

  @Test
  void nothingInstalledInstallsTheRuntimesCopy() {
    assertThat(BundlePlan.decide(HERE, "d1", List.of(), Map.of())).isEqualTo(new BundlePlan.Install());
  }

  @Test
  void theRuntimesOwnCopyWithTheSameContentIsKeptSoAShellUpdateSurvivesARestart() {
    var installed = List.of(new BundlePlan.Installed(18, HERE));
    assertThat(BundlePlan.decide(HERE, "d1", installed, Map.of(18L, "d1"))).isEqualTo(new BundlePlan.Keep(18));
  }

  @Test
  void aNewRuntimeJarUpdatesItsOwnCopy() {
    var installed = List.of(new BundlePlan.Installed(18, HERE));
    assertThat(BundlePlan.decide(HERE, "d2", installed, Map.of(18L, "d1"))).isEqualTo(new BundlePlan.Update(18));
  }

  @Test
  void aMovedRuntimeJarInstallsItsCopyAgainAtTheNewLocation() {
    var installed = List.of(new BundlePlan.Installed(18, "jar:file:/old/vdpa-runtime.jar!/jar/driver.virtionet-0.1.0-SNAPSHOT.jar"));
    assertThat(BundlePlan.decide(HERE, "d1", installed, Map.of(18L, "d1"))).isEqualTo(new BundlePlan.Reinstall(18));
  }

  @Test
  void aBundleInstalledFromTheShellWinsOverTheRuntimesCopy() {
    var installed = List.of(new BundlePlan.Installed(22, "file:/home/me/driver.virtionet.jar"));
    assertThat(BundlePlan.decide(HERE, "d1", installed, Map.of(18L, "d1")))
        .isEqualTo(new BundlePlan.Yield(22, "file:/home/me/driver.virtionet.jar"));
  }

  @Test
  void theRuntimesOwnCopyBesideAUserInstalledVersionIsStillItsOwn() {
    var installed = List.of(new BundlePlan.Installed(22, "file:/home/me/driver.virtionet.jar"), new BundlePlan.Installed(18, HERE));
    assertThat(BundlePlan.decide(HERE, "d1", installed, Map.of(18L, "d1"))).isEqualTo(new BundlePlan.Keep(18));
  }
}
