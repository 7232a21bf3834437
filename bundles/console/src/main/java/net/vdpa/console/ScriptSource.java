package net.vdpa.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands of a script: one Gogo command per line; blank lines and lines starting with
 * {@code #} are skipped; a line ending in {@code \} continues on the next.
 */
final class ScriptSource {
  /** One command and the line it starts on. */
  record Command(int line, String text) {}

  private ScriptSource() {}

  /** Reads a script from a file, or from standard input when the name is {@code -}. */
  static List<Command> read(String name, InputStream stdin) throws IOException {
    if ("-".equals(name)) {
      return parse(new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)));
    }
    Path p = Path.of(name);
    try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      return parse(r);
    } catch (NoSuchFileException e) {
      throw new IOException("script " + p.toAbsolutePath() + " does not exist", e);
    }
  }

  static List<Command> parse(BufferedReader r) throws IOException {
    List<Command> out = new ArrayList<>();
    StringBuilder pending = null;
    int start = 0;
    int n = 0;
    for (String line; (line = r.readLine()) != null; ) {
      n++;
      String t = line.strip();
      if (pending == null && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (pending == null) {
        pending = new StringBuilder();
        start = n;
      }
      if (t.endsWith("\\")) {
        pending.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      pending.append(t);
      out.add(new Command(start, pending.toString()));
      pending = null;
    }
    if (pending != null && !pending.toString().isBlank()) {
      out.add(new Command(start, pending.toString().strip()));
    }
    return out;
  }
}
