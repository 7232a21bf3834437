package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code help vdpa} lists every subcommand the tool matches, each on one line with what it does. */
class LinuxToolsHelpTest {
  @Test
  void helpVdpaNamesEverySubcommandWithADescription() {
    List<String> lines = LinuxTools.VDPA_HELP.lines().toList();
    for (Map.Entry<String, List<String>> e : LinuxTools.vdpaCommands().entrySet()) {
      if (e.getValue().isEmpty()) {
        assertThat(lines).anyMatch(l -> l.startsWith("   vdpa " + e.getKey()));
      }
      for (String word : e.getValue()) {
        if (!word.equals("list")) { // iproute2's alias of show
          assertThat(lines).as("vdpa %s %s", e.getKey(), word).anyMatch(l -> l.startsWith("   vdpa " + e.getKey() + " " + word));
        }
      }
    }
    for (String l : lines.subList(1, lines.size())) {
      assertThat(l).as("a command, then at least two spaces, then what it does").matches("   vdpa \\S.*\\S {2,}\\S.*");
    }
  }
}
