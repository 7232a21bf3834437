package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * iproute2's {@code vdpa} typed as in Linux: {@code vdpa mgmtdev show}, {@code vdpa -jp dev show},
 * {@code vdpa dev add name ...}, with iproute2's rules: options before the object, every object and
 * command word matched by any prefix ({@code vdpa d s} is {@code vdpa dev show}), {@code help} at each
 * level, {@code -V} for the version. The work is done by {@link VdpaCommands} (the {@code vdpa:}
 * scope); this only reads the command line the way the Linux tool does.
 */
@Component(service = VdpaTool.class, property = {"osgi.command.scope=iproute2", "osgi.command.function=vdpa"})
public final class VdpaTool {
  /** The objects, in iproute2's order; {@code bus} and {@code monitor} are this runtime's additions. */
  private static final List<String> OBJECTS = List.of("mgmtdev", "dev", "bus", "monitor");
  private static final List<String> DEV_COMMANDS = List.of("show", "list", "add", "del", "config", "vstats", "set",
      "bind", "unbind", "override", "autoprobe");

  static final String USAGE = String.join("\n",
      "Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }",
      "where  OBJECT := { mgmtdev | dev | bus | monitor }",
      "       OPTIONS := { -V[ersion] | -j[son] | -p[retty] }");
  /** iproute2's own lines first, then this runtime's additions. */
  static final String DEV_USAGE = String.join("\n",
      "Usage: vdpa dev show [ DEV ]",
      "       vdpa dev add name NAME mgmtdev MANAGEMENTDEV [ device_features DEVICE_FEATURES]",
      "                                                    [ mac MACADDR ] [ mtu MTU ]",
      "                                                    [ max_vqp MAX_VQ_PAIRS ]",
      "       vdpa dev del DEV",
      "Usage: vdpa dev config COMMAND [ OPTIONS ]",
      "Usage: vdpa dev vstats COMMAND",
      "Usage: vdpa dev set name NAME mac MACADDR",
      "       vdpa dev { bind DEV DRIVER | unbind DEV | override DEV { DRIVER | none } | autoprobe DEV { on | off } }");
  static final String MGMTDEV_USAGE = "Usage: vdpa mgmtdev show [ DEV ]";

  private final VdpaCommands commands;
  private final String version;

  /**
   * Creates the tool over the {@code vdpa:} commands.
   *
   * @param context this bundle's context (its version is the tool's)
   * @param commands the commands that do the work
   */
  @Activate
  public VdpaTool(BundleContext context, @Reference VdpaCommands commands) {
    this.commands = commands;
    this.version = context.getBundle().getVersion().toString();
  }

  /**
   * {@code vdpa [OPTIONS] OBJECT {COMMAND | help}}.
   *
   * @param session the shell session ({@code monitor} prints to it)
   * @param argv the command line after {@code vdpa}
   * @return the output
   */
  @Descriptor("iproute2's vdpa as typed in Linux: vdpa [-j] [-p] [-V] { mgmtdev show | dev show|add|del|config"
      + "|vstats|set ... | bus show | monitor } (prefixes work: vdpa d s); 'vdpa help', 'vdpa dev help'")
  public Object vdpa(CommandSession session, @Descriptor("[ OPTIONS ] OBJECT { COMMAND | help }") String... argv) {
    return ShellError.guard(() -> run(session, argv));
  }

  private Object run(CommandSession session, String... argv) {
    List<String> options = new ArrayList<>();
    int i = 0;
    for (; i < argv.length && argv[i].startsWith("-"); i++) {
      String o = argv[i];
      if (prefixOf(o, "-Version", 2) || prefixOf(o, "--Version", 3)) {
        return "vdpa utility, vDPA-OSGi " + version;
      }
      if (prefixOf(o, "-json", 2) || prefixOf(o, "--json", 3)) {
        options.add("-j");
      } else if (prefixOf(o, "-pretty", 2) || prefixOf(o, "--pretty", 3)) {
        options.add("-p");
      } else if (o.equals("-h") || prefixOf(o, "--help", 3)) {
        return USAGE;
      } else if (o.equals("-jp") || o.equals("-pj")) {
        options.add("-j");
        options.add("-p");
      } else {
        throw new IllegalArgumentException("Option \"" + o + "\" is unknown, try \"vdpa help\".");
      }
    }
    if (i == argv.length || prefixOf(argv[i], "help", 1)) {
      return USAGE;
    }
    String object = match(argv[i], OBJECTS, "Object");
    List<String> rest = new ArrayList<>(List.of(argv).subList(i + 1, argv.length));
    if (!rest.isEmpty() && prefixOf(rest.get(0), "help", 1)) {
      return switch (object) {
        case "mgmtdev" -> MGMTDEV_USAGE;
        case "dev" -> DEV_USAGE;
        case "bus" -> "Usage: vdpa bus { show | autoprobe { on | off } }";
        default -> "Usage: vdpa monitor [ COUNT ]";
      };
    }
    List<String> args = new ArrayList<>(options);
    switch (object) {
      case "mgmtdev" -> {
        expandFirst(rest, List.of("show", "list"), "mgmtdev");
        args.addAll(rest);
        return commands.mgmtdev(args.toArray(String[]::new));
      }
      case "dev" -> {
        expandFirst(rest, DEV_COMMANDS, "dev");
        args.addAll(rest);
        return commands.dev(args.toArray(String[]::new));
      }
      case "bus" -> {
        expandFirst(rest, List.of("show", "autoprobe"), "bus");
        args.addAll(rest);
        return commands.bus(args.toArray(String[]::new));
      }
      default -> {
        commands.monitor(session, rest.toArray(String[]::new));
        return null;
      }
    }
  }

  /** Replaces the command word by the one it is a prefix of ({@code list} is {@code show}, as in iproute2). */
  private static void expandFirst(List<String> words, List<String> known, String object) {
    if (words.isEmpty()) {
      return;
    }
    String full = match(words.get(0), known, "Command");
    words.set(0, full.equals("list") ? "show" : full);
  }

  /** The first of {@code known} that {@code word} begins (iproute2's {@code matches()}), or an error naming it. */
  private static String match(String word, List<String> known, String what) {
    for (String k : known) {
      if (k.startsWith(word)) {
        return k;
      }
    }
    throw new IllegalArgumentException(what + " \"" + word + "\" not found");
  }

  /** Whether {@code word} is {@code full} or a prefix of it at least {@code min} characters long. */
  private static boolean prefixOf(String word, String full, int min) {
    return word.length() >= min && full.startsWith(word);
  }
}
