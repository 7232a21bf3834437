package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts this process's open descriptors of the kinds a test sends (eventfds, its memfds), not all
 * of them: jars opened lazily or sockets of earlier tests closing late would make a total flaky.
 */
final class TestFds {
  private TestFds() {}

  /**
   * Open descriptors whose {@code /proc/self/fd} link starts with one of the prefixes.
   *
   * @param prefixes such as {@code anon_inode:[eventfd]} or {@code /memfd:fuzz}
   * @return the count
   */
  static long count(String... prefixes) {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.filter(p -> {
        try {
          String target = Files.readSymbolicLink(p).toString();
          for (String prefix : prefixes) {
            if (target.startsWith(prefix)) {
              return true;
            }
          }
          return false;
        } catch (IOException gone) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
