package net.vdpa.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFilesTest {
  @TempDir
  Path root;

  @Test
  void aFileStandsForThePidItsPathNames() throws Exception {
    Path f = root.resolve("net/vdpa/device/4f700680-7057.config");
    Files.createDirectories(f.getParent());
    Files.writeString(f, "x");
    Path g = root.resolve("org/osgi/service/log/admin%007cnet.config");
    Files.createDirectories(g.getParent());
    Files.writeString(g, "y");
    Files.writeString(root.resolve("net/vdpa/defaults.config.bad"), "z");
    assertThat(StoreFiles.byPid(root)).containsOnlyKeys("net.vdpa.device.4f700680-7057", "org.osgi.service.log.admin|net");
  }

  @Test
  void aMissingStoreHasNoFiles() throws Exception {
    assertThat(StoreFiles.byPid(root.resolve("nothing"))).isEmpty();
  }

  @Test
  void movingAsideNeverOverwritesAnEarlierBadFile() throws Exception {
    Path f = root.resolve("a.config");
    Files.writeString(f, "first");
    Path first = StoreFiles.moveAside(f);
    Files.writeString(f, "second");
    Path second = StoreFiles.moveAside(f);
    assertThat(first.getFileName()).hasToString("a.config.bad");
    assertThat(second.getFileName()).hasToString("a.config.bad.1");
    assertThat(Files.readString(first)).isEqualTo("first");
    assertThat(Files.readString(second)).isEqualTo("second");
    assertThat(f).doesNotExist();
  }
}
