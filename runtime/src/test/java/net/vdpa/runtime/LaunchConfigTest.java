package net.vdpa.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LaunchConfigTest {
  private static Properties launcher() {
    Properties p = new Properties();
    p.setProperty("launch.bundles", "jar/org.apache.felix.scr-2.2.18.jar,jar/api-0.1.0-SNAPSHOT.jar,jar/jline-3.21.0.jar,jar/extra.jar");
    p.setProperty("launch.runbundles.attrs", "org.apache.felix.scr;version=\"2.2.18\";startlevel=1,net.vdpa.api;version=\"0.1.0.202612012244\";startlevel=2,"
        + "org.jline;version=\"3.21.0\";startlevel=10");
    p.setProperty("launch.startlevel.default", "11");
    p.setProperty("launch.keep", "true");
    p.setProperty("org.osgi.framework.storage", "vdpa-cache");
    p.setProperty("vdpa.default.devices", "vdpa0@vdpasim_net");
    return p;
  }

  private static final Map<String, String> BSN = Map.of("jar/org.apache.felix.scr-2.2.18.jar", "org.apache.felix.scr",
      "jar/api-0.1.0-SNAPSHOT.jar", "net.vdpa.api", "jar/jline-3.21.0.jar", "org.jline", "jar/extra.jar", "extra");

  @Test
  void bundlesComeInBndsOrderWithTheirStartLevels() {
    LaunchConfig c = LaunchConfig.from(launcher(), BSN::get, new Properties());
    assertThat(c.bundles()).containsExactly(new LaunchConfig.Entry("jar/org.apache.felix.scr-2.2.18.jar", 1),
        new LaunchConfig.Entry("jar/api-0.1.0-SNAPSHOT.jar", 2), new LaunchConfig.Entry("jar/jline-3.21.0.jar", 10),
        new LaunchConfig.Entry("jar/extra.jar", 11));
    assertThat(c.defaultStartLevel()).isEqualTo(11);
  }

  @Test
  void launcherKeysStayOutOfTheFrameworkAndSystemPropertiesOverrideTheRest() {
    Properties system = new Properties();
    system.setProperty("vdpa.default.devices", "");
    system.setProperty("unrelated", "x");
    LaunchConfig c = LaunchConfig.from(launcher(), BSN::get, system);
    assertThat(c.frameworkProperties()).containsOnly(Map.entry("org.osgi.framework.storage", "vdpa-cache"),
        Map.entry("vdpa.default.devices", ""));
  }
}
