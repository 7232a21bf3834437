package net.vdpa.driver.vhost;

import java.nio.file.Path;
import java.util.Map;
import net.vdpa.api.log.EventLog;
import net.vdpa.unix.LibC;

/** Driver settings for tests: the defaults, or with other deadlines. */
final class TestSettings {
  private TestSettings() {}

  static Settings defaults(Path dir) {
    return with(dir, 10_000, 60_000, 5_000, false);
  }

  static Settings with(Path dir, int handshakeMillis, int idleMillis, int messageMillis, boolean strict) {
    return new Settings(1, dir, false, Map.of(), handshakeMillis, idleMillis, messageMillis, strict, false);
  }

  static Settings offeringConfig(Path dir) {
    return new Settings(1, dir, false, Map.of(), 10_000, 60_000, 5_000, false, true);
  }

  static VhostDeviceHandle handle(net.vdpa.api.VdpaDevice dev, Path socket, Settings s, EventLog log) {
    return new VhostDeviceHandle(dev, socket, s, LibC.getuid(), log);
  }
}
