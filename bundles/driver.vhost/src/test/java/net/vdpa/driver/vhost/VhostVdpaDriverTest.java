package net.vdpa.driver.vhost;

import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.unix.UnixChannel;
import net.vdpa.unix.UnixListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The driver component as DS builds it: what it tells the bus about a device a user holds. */
class VhostVdpaDriverTest {
  @TempDir Path tmp;

  @Test
  void aDeviceIsBusyWhileAFrontendHoldsItAndFreeAfter() throws Exception {
    VhostVdpaDriver driver = new VhostVdpaDriver(SocketDirTest.stubContext(tmp.resolve("cache")), SocketDirTest.config(""));
    VdpaDevice dev = SimNetFixture.create("busy0");
    assertThat(driver.busy(dev)).as("not bound: not busy").isEmpty();
    driver.probe(dev);
    try {
      assertThat(driver.busy(dev)).isEmpty();
      try (Frontend f = new Frontend(tmp.resolve("cache-vhost").resolve("busy0.sock"))) {
        f.send(Message.SET_OWNER, null);
        f.send(Message.GET_FEATURES, null);
        assertThat(f.replyU64()).isPositive();
        assertThat(driver.busy(dev)).hasValueSatisfying(r -> assertThat(r).startsWith("held by vhost-user frontend pid "));
      }
      assertThat(Await.until(() -> driver.busy(dev).isEmpty(), 5_000)).as("free once the frontend left").isTrue();
    } finally {
      driver.remove(dev);
    }
  }

  @Test
  void aDeviceInClientsConnectsToItsFrontendAndUnbindStopsTryingAtOnce() throws Exception {
    Path sock = tmp.resolve("vm0.sock");
    VhostVdpaDriver driver = new VhostVdpaDriver(SocketDirTest.stubContext(tmp.resolve("cache")),
        SocketDirTest.config("", "cli0=" + sock));
    VdpaDevice dev = SimNetFixture.create("cli0");
    driver.probe(dev);
    VhostDeviceHandle h = driver.handles().get(0);
    Thread retry = h.endpoint().thread();
    try (UnixListener l = UnixListener.bind(sock, 4)) {
      assertThat(h.socketMode()).isEqualTo(SocketMode.CLIENT);
      assertThat(h.socketPath()).isEqualTo(sock);
      UnixChannel ch = l.accept(5_000, Message.HEADER + Message.MAX_PAYLOAD, 253);
      assertThat(ch).as("the backend connects to the frontend's socket").isNotNull();
      try (Frontend f = new Frontend(ch)) {
        f.send(Message.SET_OWNER, null);
        f.send(Message.GET_FEATURES, null);
        assertThat(f.replyU64()).isPositive();
        assertThat(driver.busy(dev)).hasValueSatisfying(r -> assertThat(r).startsWith("held by vhost-user frontend pid "));
        driver.remove(dev);
        assertThat(f.closedByBackend(5_000)).isTrue();
      }
    }
    retry.join(2_000);
    assertThat(retry.isAlive()).as("no thread left behind").isFalse();
    assertThat(driver.handles()).isEmpty();
  }
}
