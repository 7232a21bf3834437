package net.vdpa.driver.vhost;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The socket directory: created 0700 by the runtime, and refused when someone else prepared it
 * (world-writable, a symbolic link, another owner), with one line saying what is wrong and how to fix it.
 */
class SocketDirTest {
  @TempDir Path tmp;
  final int uid = LibC.getuid();

  @Test
  void theDefaultDirectoryIsCreatedPrivate() throws IOException {
    Path dir = tmp.resolve("vdpa-cache-vhost");
    SocketDir.prepare(dir, true, uid);
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aPrecreatedWorldWritableDirectoryIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vhost"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SocketDir.prepare(dir, true, uid)).isInstanceOf(IOException.class)
        .hasMessage("vhost socket directory " + dir + " has mode 777, not 700: remove it so that the runtime creates"
            + " its own, or set socket_dir (PID net.vdpa.driver.vhost)");
    assertThatThrownBy(() -> SocketDir.prepare(dir, false, uid)).hasMessageContaining("others can write to it");
  }

  @Test
  void aSymbolicLinkIsRefusedEvenToAGoodDirectory() throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(tmp.resolve("vhost"), real);
    assertThatThrownBy(() -> SocketDir.prepare(link, true, uid)).hasMessageContaining("is a symbolic link");
  }

  @Test
  void aDirectoryOfAnotherUserIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("vhost"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThatThrownBy(() -> SocketDir.prepare(dir, true, uid + 1))
        .hasMessageContaining("belongs to uid " + uid + ", not to the runtime's uid " + (uid + 1));
  }

  @Test
  void aGoodDirectoryInsideADirectoryOthersCanWriteIsRefused() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path dir = open.resolve("vhost");
    assertThatThrownBy(() -> SocketDir.prepare(dir, true, uid))
        .hasMessageContaining("the directory holding vhost socket directory " + dir)
        .hasMessageContaining("others can replace what it holds");
  }

  @Test
  void twoRuntimesNeverShareTheDefaultDirectory() {
    assertThat(SocketDir.defaultFor(null, Path.of("/srv/a/vdpa-cache"))).isEqualTo(Path.of("/srv/a/vdpa-cache-vhost"));
    assertThat(SocketDir.defaultFor("", Path.of("/srv/b/vdpa-cache"))).isEqualTo(Path.of("/srv/b/vdpa-cache-vhost"));
    Path x = SocketDir.defaultFor("/run/user/1000", Path.of("/srv/a/vdpa-cache"));
    Path y = SocketDir.defaultFor("/run/user/1000", Path.of("/srv/b/vdpa-cache"));
    assertThat(x.getParent()).isEqualTo(Path.of("/run/user/1000"));
    assertThat(x.getFileName().toString()).matches("vdpa-[0-9a-f]{8}");
    assertThat(x).isNotEqualTo(y);
    assertThat(SocketDir.defaultFor("/run/user/1000", Path.of("/srv/a/vdpa-cache"))).as("stable").isEqualTo(x);
  }

  @Test
  void anExplicitSocketInADirectoryOthersCanWriteIsRefusedUnlessSticky() throws IOException {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> SocketDir.checkExplicit(open.resolve("a.sock"), uid))
        .hasMessageContaining("others can replace what it holds");
    SocketDir.checkExplicit(Path.of("/tmp/vdpa-test-explicit.sock"), uid); // /tmp is sticky: accepted
  }

  @Test
  void theDriverRefusesToProbeWithAnUnsafeDirectory() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    VhostVdpaDriver driver = new VhostVdpaDriver(stubContext(tmp.resolve("cache")), config(dir.toString()));
    VdpaDevice dev = SimNetFixture.create("dir0");
    assertThatThrownBy(() -> driver.probe(dev)).isInstanceOf(IOException.class)
        .hasMessageContaining("vhost socket directory " + dir + " has mode 777: others can write to it");
    assertThat(Files.exists(dir.resolve("dir0.sock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void theDriverCreatesItsDefaultDirectoryBesideTheFrameworkStorage() throws Exception {
    VhostVdpaDriver driver = new VhostVdpaDriver(stubContext(tmp.resolve("cache")), config(""));
    VdpaDevice dev = SimNetFixture.create("dir1");
    driver.probe(dev);
    try {
      Path sock = tmp.resolve("cache-vhost").resolve("dir1.sock");
      assertThat(Files.exists(sock, LinkOption.NOFOLLOW_LINKS)).isTrue();
      assertThat(Files.getPosixFilePermissions(sock)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.getPosixFilePermissions(sock.getParent()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    } finally {
      driver.remove(dev);
    }
  }

  static BundleContext stubContext(Path storage) {
    return (BundleContext) Proxy.newProxyInstance(SocketDirTest.class.getClassLoader(),
        new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
          case "getProperty" -> "org.osgi.framework.storage".equals(a[0]) ? storage.toString() : null;
          case "registerService" -> Proxy.newProxyInstance(SocketDirTest.class.getClassLoader(),
              new Class<?>[] {org.osgi.framework.ServiceRegistration.class}, (p2, m2, a2) -> null);
          default -> null;
        });
  }

  @Test
  void aFrontendsSocketMayBeInAStickySharedDirectoryOrOneThatDoesNotExistYet() throws IOException {
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setAttribute(shared, "unix:mode", 01777);
    SocketDir.checkClient(shared.resolve("vm0.sock"));
    SocketDir.checkClient(tmp.resolve("not-yet").resolve("vm0.sock"));
  }

  @Test
  void aFrontendsSocketThatIsALinkOrARegularFileIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("run"));
    Path link = Files.createSymbolicLink(dir.resolve("vm0.sock"), tmp.resolve("elsewhere.sock"));
    assertThatThrownBy(() -> SocketDir.checkClient(link)).isInstanceOf(IOException.class)
        .hasMessage("vhost-user frontend socket " + link + " is a symbolic link");
    Path file = Files.createFile(dir.resolve("vm1.sock"));
    assertThatThrownBy(() -> SocketDir.checkClient(file)).hasMessage("vhost-user frontend socket " + file
        + " is not a socket");
  }

  static DriverConfig config(String socketDir, String... clients) {
    return SettingsTest.config(java.util.Map.of("socket_dir", socketDir, "clients", clients));
  }
}
