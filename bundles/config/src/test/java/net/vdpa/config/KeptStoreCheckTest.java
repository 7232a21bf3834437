package net.vdpa.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import net.vdpa.api.VdpaDeviceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class KeptStoreCheckTest {
  @TempDir
  Path root;

  /** What ConfigAdmin loaded, and what the check did to it. */
  private final Map<String, Dictionary<String, Object>> loaded = new HashMap<>();
  private final List<String> deleted = new ArrayList<>();
  private final Map<String, Dictionary<String, Object>> updated = new HashMap<>();
  private final List<String> log = new ArrayList<>();

  @Test
  void unreadableFilesAreMovedAsideAndReportedOnceEachAndReadableOnesStay() throws Exception {
    Path good = file("net/vdpa/device/good.config");
    loaded.put("net.vdpa.device.good", device("good"));
    Path bad = file("net/vdpa/device/bad.config");

    KeptStoreCheck.check(root, cm(), log::add);

    assertThat(good).exists();
    assertThat(bad).doesNotExist();
    assertThat(root.resolve("net/vdpa/device/bad.config.bad")).exists();
    assertThat(log).containsExactly("kept configuration " + bad + " cannot be read; moved aside to bad.config.bad");
    assertThat(deleted).isEmpty();
    assertThat(updated).isEmpty();
  }

  @Test
  void aDeviceConfigurationThatDescribesNoDeviceIsKeptAsideAndDeleted() throws Exception {
    Path nameless = file("net/vdpa/device/nameless.config");
    Dictionary<String, Object> p = device("x");
    p.remove("name");
    loaded.put("net.vdpa.device.nameless", p);

    KeptStoreCheck.check(root, cm(), log::add);

    assertThat(root.resolve("net/vdpa/device/nameless.config.bad")).exists();
    assertThat(deleted).containsExactly("net.vdpa.device.nameless");
    assertThat(log).containsExactly("kept configuration " + nameless
        + " does not describe a device (device name is not set.); moved aside to nameless.config.bad");
  }

  @Test
  void anUnreadableDefaultsMarkerIsWrittenAgainSoDeletedDefaultsStayDeleted() throws Exception {
    file("net/vdpa/defaults.config");

    KeptStoreCheck.check(root, cm(), log::add);

    assertThat(updated).containsOnlyKeys(DefaultDevices.MARKER_PID);
    assertThat(updated.get(DefaultDevices.MARKER_PID).get(DefaultDevices.SEEDED)).isNotNull();
    assertThat(log).hasSize(1);
  }

  private Path file(String rel) throws Exception {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, "whatever ConfigAdmin made of it");
    return f;
  }

  private static Dictionary<String, Object> device(String name) {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("name", name);
    p.put("mgmtdev", "vdpasim_net");
    p.put("service.factoryPid", VdpaDeviceStore.FACTORY_PID);
    return p;
  }

  private ConfigurationAdmin cm() {
    return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "listConfigurations" -> loaded.keySet().stream().map(this::configuration).toArray(Configuration[]::new);
          case "getConfiguration" -> configuration((String) args[0]);
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  private Configuration configuration(String pid) {
    return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "getPid" -> pid;
          case "getFactoryPid" -> loaded.containsKey(pid) ? loaded.get(pid).get("service.factoryPid") : null;
          case "getProperties" -> loaded.get(pid);
          case "delete" -> deleted.add(pid) ? null : null;
          case "update" -> {
            @SuppressWarnings("unchecked")
            Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
            updated.put(pid, d);
            yield null;
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }
}
