package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Devices kept by the runtimes before {@code vdpa-state} existed: those runtimes were the Felix jar
 * only, and kept devices in ConfigAdmin's data area inside Felix's cache ({@code
 * vdpa-cache/bundleN/data/config}); the runtime moves them out at start. Felix only: the Equinox jar
 * came after {@code vdpa-state} and never had that layout (see itests/pom.xml).
 */
public class FelixCacheMigrationIT {
  @Rule
  public TemporaryFolder tmp = new TemporaryFolder();

  private RuntimeProcess runtime;

  @Before
  public void setUp() {
    runtime = new RuntimeProcess(tmp.getRoot().toPath());
  }

  @Test
  public void devicesKeptByAnOlderRuntimeInsideTheCacheMoveToVdpaState() throws Exception {
    RuntimeProcess.Run first = runtime.run("vdpa:dev add name old1 mgmtdev vdpasim_net", "vdpa:dev del vdpa0");
    assertEquals(first.all(), 0, first.status());
    long cm = runtime.bundleId("org.apache.felix.configadmin");
    // where runtimes before vdpa-state kept them: ConfigAdmin's data area in the framework cache
    Path old = runtime.dir().resolve("vdpa-cache/bundle" + cm + "/data/config");
    if (Files.exists(old)) {
      RuntimeProcess.deleteTree(old);
    }
    Files.createDirectories(old.getParent());
    Files.move(runtime.dir().resolve("vdpa-state/config"), old);
    RuntimeProcess.deleteTree(runtime.dir().resolve("vdpa-state"));

    RuntimeProcess.Run second = runtime.run("vdpa:dev show");
    assertEquals(second.all(), 0, second.status());
    assertEquals("the kept device is back and the deleted default stays deleted: " + second.all(),
        List.of("old1: type network mgmtdev vdpasim_net vendor_id 0 max_vqs 3 max_vq_size 1024"), second.out().subList(0, 1));
    assertFalse(second.all(), second.out().stream().anyMatch(l -> l.startsWith("vdpa0:")));
    assertEquals(second.all(), 1, second.err().stream().filter(l -> l.contains("now lives in")).count());
    assertTrue(Files.isDirectory(runtime.dir().resolve("vdpa-state/config")));
  }
}
