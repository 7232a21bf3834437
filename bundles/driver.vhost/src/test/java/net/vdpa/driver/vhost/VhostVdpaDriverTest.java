package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver component as DS builds it: what it tells the bus about a device a user holds. */
class VhostVdpaDriverTest {
  @TempDir Path tmp;

  @Test
  void aDeviceIsBusyWhileAFrontendHoldsItAndFreeAfter() throws Exception {
    VhostVdpaDriver driver = new VhostVdpaDriver(SocketDirTest.stubContext(tmp.resolve("cache")), SocketDirTest.config(""));
    VdpaDevice dev = SimNet.create("busy0");
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
}
