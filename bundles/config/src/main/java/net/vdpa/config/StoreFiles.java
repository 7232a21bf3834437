package net.vdpa.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of Felix ConfigAdmin's file store ({@code felix.cm.dir}, {@code vdpa-state/config} in
 * the runtime jar): one {@code .config} file per configuration, at the path its PID names (dots
 * become directories, other characters outside {@code [A-Za-z0-9_-]} are written {@code %XXXX}).
 * ConfigAdmin skips a file it cannot read without a word; knowing the PID each file stands for
 * lets the caller find those files and set them aside.
 */
final class StoreFiles {
  /** What a file moved aside is renamed to end with; ConfigAdmin reads only {@code .config}. */
  static final String BAD = ".bad";
  private static final String CONFIG = ".config";

  private StoreFiles() {}

  /** Every configuration file under the store, by the PID its path names, in path order. */
  static Map<String, Path> byPid(Path root) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> p.getFileName().toString().endsWith(CONFIG) && Files.isRegularFile(p)).sorted()
          .forEach(p -> out.put(pidOf(root, p), p));
    }
    return out;
  }

  /** The PID a file of the store stands for. */
  static String pidOf(Path root, Path file) {
    String rel = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    rel = rel.substring(0, rel.length() - CONFIG.length()).replace('/', '.');
    StringBuilder b = new StringBuilder(rel.length());
    for (int i = 0; i < rel.length(); i++) {
      char c = rel.charAt(i);
      if (c == '%' && isHex(rel, i + 1, 4)) {
        b.append((char) Integer.parseInt(rel.substring(i + 1, i + 5), 16));
        i += 4;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Renames a file to {@code NAME.bad} ({@code NAME.bad.1}, ... if that exists), so that it is
   * kept for the user but no longer read.
   *
   * @return where it went
   */
  static Path moveAside(Path file) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + BAD);
    for (int n = 1; Files.exists(target); n++) {
      target = file.resolveSibling(file.getFileName() + BAD + "." + n);
    }
    return Files.move(file, target);
  }

  /** Copies a file aside as {@link #moveAside} would name it, leaving the original. */
  static Path copyAside(Path file) throws IOException {
    Path target = file.resolveSibling(file.getFileName() + BAD);
    for (int n = 1; Files.exists(target); n++) {
      target = file.resolveSibling(file.getFileName() + BAD + "." + n);
    }
    return Files.copy(file, target);
  }

  private static boolean isHex(String s, int from, int n) {
    if (from + n > s.length()) {
      return false;
    }
    for (int i = from; i < from + n; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
