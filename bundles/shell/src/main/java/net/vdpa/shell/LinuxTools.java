package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * iproute2's tools typed as in Linux: {@code vdpa mgmtdev show}, {@code vdpa -jp dev show},
 * {@code devlink dev eswitch show pci/0000:03:00.0}, {@code ip -s link show}, with iproute2's rules:
 * options before the object, every object and command word matched by any prefix ({@code vdpa d s}
 * is {@code vdpa dev show}), {@code help} at each level, {@code -V} for the version. The work is done
 * by the scoped commands ({@code vdpa:}, {@code devlink:}, {@code ip:}); this only reads the command
 * line the way the Linux tools do.
 */
@Component(service = LinuxTools.class, property = {"osgi.command.scope=iproute2", "osgi.command.function=vdpa",
    "osgi.command.function=devlink", "osgi.command.function=ip"})
public final class LinuxTools {
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
      "                                                    [ capacity SIZE ] [ file PATH ] [ ro ] [ num_queues N ]",
      "       vdpa dev del DEV",
      "Usage: vdpa dev config COMMAND [ OPTIONS ]",
      "Usage: vdpa dev vstats COMMAND",
      "Usage: vdpa dev set name NAME mac MACADDR",
      "       vdpa dev { bind DEV DRIVER | unbind DEV | override DEV { DRIVER | none } | autoprobe DEV { on | off } }");
  static final String DEVLINK_USAGE = String.join("\n",
      "Usage: devlink [ OPTIONS ] OBJECT { COMMAND | help }",
      "where  OBJECT := { dev | port }",
      "       OPTIONS := { -V[ersion] | -j[son] | -p[retty] }");
  static final String IP_USAGE = String.join("\n",
      "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }",
      "where  OBJECT := { link }",
      "       OPTIONS := { -V[ersion] | -s[tatistics] | -j[son] | -p[retty] }");

  /**
   * What Gogo's {@code help vdpa} prints: the tool, then each subcommand on one line with what it does
   * ({@code vdpa help} prints iproute2's own usage instead).
   */
  static final String VDPA_HELP = "iproute2's vdpa, typed as in Linux: vdpa [ -j[son] ] [ -p[retty] ] OBJECT COMMAND;"
      + " any prefix of a word works (vdpa d s)\n"
      + "   vdpa mgmtdev show [ MGMTDEV ]            management devices: classes, max queues, features\n"
      + "   vdpa dev show [ DEV ]                    devices: type, management device, queues\n"
      + "   vdpa dev add name NAME mgmtdev MGMTDEV   create a device (kept across restarts; mac, mtu, max_vqp...)\n"
      + "   vdpa dev del DEV                         delete a device and forget it\n"
      + "   vdpa dev config show [ DEV ]             config space: mac, link, max_vq_pairs, mtu, negotiated features\n"
      + "   vdpa dev vstats show DEV qidx N          one queue's vendor statistics\n"
      + "   vdpa dev set name NAME mac MAC           change a kept device's mac\n"
      + "   vdpa dev bind DEV DRIVER                 bind a device to that driver\n"
      + "   vdpa dev unbind DEV                      release a device from its driver and hold it idle\n"
      + "   vdpa dev override DEV DRIVER|none        only that driver may take the device (rebinds now)\n"
      + "   vdpa dev autoprobe DEV on|off            match the device automatically, or wait for bind\n"
      + "   vdpa bus show                            every device, its driver or why it is unbound\n"
      + "   vdpa bus autoprobe on|off                match new devices automatically, or wait for bind\n"
      + "   vdpa monitor [ COUNT ]                   print bus events as they happen\n"
      + "   vdpa help | vdpa OBJECT help | vdpa -V   usage, an object's usage, the version";

  /** The objects of {@code vdpa} and their command words, as the command line is matched against them. */
  static Map<String, List<String>> vdpaCommands() {
    return VDPA.commands();
  }

  /** One tool: its name, usage, objects with their command words and help, and what runs them. */
  private record Tool(String name, String usage, Map<String, List<String>> commands, Map<String, String> help,
      boolean statistics) {}

  private static final Tool VDPA = new Tool("vdpa", USAGE,
      Map.of("mgmtdev", List.of("show", "list"), "dev", List.of("show", "list", "add", "del", "config", "vstats", "set",
          "bind", "unbind", "override", "autoprobe"), "bus", List.of("show", "autoprobe"), "monitor", List.of()),
      Map.of("mgmtdev", "Usage: vdpa mgmtdev show [ DEV ]", "dev", DEV_USAGE,
          "bus", "Usage: vdpa bus { show | autoprobe { on | off } }", "monitor", "Usage: vdpa monitor [ COUNT ]"),
      false);
  private static final Tool DEVLINK = new Tool("devlink", DEVLINK_USAGE,
      Map.of("dev", List.of("show", "list", "eswitch", "param"), "port", List.of("show", "list", "add", "del", "function")),
      Map.of("dev", "Usage: devlink dev show [ DEV ]\n       devlink dev eswitch set DEV mode { legacy | switchdev }\n"
          + "       devlink dev eswitch show DEV\n       devlink dev param set DEV name sriov_numvfs value N cmode runtime\n"
          + "       devlink dev param show DEV name sriov_numvfs",
          "port", "Usage: devlink [ -s ] port show [ DEV/PORT_INDEX ]\n       devlink port add DEV flavour pcisf pfnum 0 sfnum N\n"
          + "       devlink port del DEV/PORT_INDEX\n"
          + "       devlink port function set DEV/PORT_INDEX [ hw_addr ADDR ] [ state { active | inactive } ]"),
      true);
  private static final Tool IP = new Tool("ip", IP_USAGE, Map.of("link", List.of("show", "list", "set")),
      Map.of("link", "Usage: ip link show [ DEVICE ]\n       ip link set DEVICE vf NUM [ mac LLADDR ] [ vlan VLANID ]"
          + " [ spoofchk { on | off } ] [ trust { on | off } ]"),
      true);

  private final VdpaCommands vdpa;
  private final DevlinkCommands devlink;
  private final IpCommands ip;
  private final String version;

  /**
   * Creates the tools over the scoped commands.
   *
   * @param context this bundle's context (its version is the tools')
   * @param vdpa the {@code vdpa:} commands
   * @param devlink the {@code devlink:} commands
   * @param ip the {@code ip:} commands
   */
  @Activate
  public LinuxTools(BundleContext context, @Reference VdpaCommands vdpa, @Reference DevlinkCommands devlink,
      @Reference IpCommands ip) {
    this.vdpa = vdpa;
    this.devlink = devlink;
    this.ip = ip;
    this.version = context.getBundle().getVersion().toString();
  }

  /**
   * {@code vdpa [OPTIONS] OBJECT {COMMAND | help}}.
   *
   * @param session the shell session ({@code monitor} prints to it)
   * @param argv the command line after {@code vdpa}
   * @return the output
   */
  @Descriptor(VDPA_HELP)
  public Object vdpa(CommandSession session, @Descriptor("[ OPTIONS ] OBJECT { COMMAND | help }") String... argv) {
    return ShellError.guard(() -> run(VDPA, argv, (object, args) -> switch (object) {
      case "mgmtdev" -> vdpa.mgmtdev(false, false, args);
      case "dev" -> vdpa.dev(false, false, args);
      case "bus" -> vdpa.bus(false, false, args);
      default -> {
        vdpa.monitor(session, args);
        yield null;
      }
    }));
  }

  /**
   * {@code devlink [OPTIONS] OBJECT {COMMAND | help}}.
   *
   * @param argv the command line after {@code devlink}
   * @return the output
   */
  @Descriptor("iproute2's devlink as typed in Linux: devlink [-j] [-p] [-V] { dev show|eswitch|param ... | "
      + "port show|add|del|function ... }; 'devlink help', 'devlink dev help'")
  public Object devlink(@Descriptor("[ OPTIONS ] OBJECT { COMMAND | help }") String... argv) {
    return ShellError.guard(() -> run(DEVLINK, argv, (object, args) -> object.equals("dev")
        ? devlink.dev(false, false, args) : devlink.port(false, false, false, args)));
  }

  /**
   * {@code ip [OPTIONS] link {COMMAND | help}}: the SmartNIC PFs and their VFs.
   *
   * @param argv the command line after {@code ip}
   * @return the output
   */
  @Descriptor("iproute2's ip link for SmartNIC PFs and VFs, as typed in Linux: ip [-s] [-j] [-p] link show [PF] | "
      + "ip link set PF vf N [mac MAC] [vlan V] [spoofchk on|off] [trust on|off]")
  public Object ip(@Descriptor("[ OPTIONS ] link { COMMAND | help }") String... argv) {
    return ShellError.guard(() -> run(IP, argv, (object, args) -> ip.link(false, false, false, args)));
  }

  /** What runs an object's command: the object and its words, options first. */
  @FunctionalInterface
  private interface Dispatch {
    Object run(String object, String[] args);
  }

  private Object run(Tool tool, String[] argv, Dispatch dispatch) {
    List<String> options = new ArrayList<>();
    int i = 0;
    for (; i < argv.length && argv[i].startsWith("-"); i++) {
      String o = argv[i];
      if (prefixOf(o, "-Version", 2) || prefixOf(o, "--Version", 3)) {
        return tool.name() + " utility, vDPA-OSGi " + version;
      } else if (o.equals("-h") || prefixOf(o, "--help", 3)) {
        return tool.usage();
      } else if (prefixOf(o, "-json", 2) || prefixOf(o, "--json", 3)) {
        options.add("-j");
      } else if (prefixOf(o, "-pretty", 2) || prefixOf(o, "--pretty", 3)) {
        options.add("-p");
      } else if (o.equals("-jp") || o.equals("-pj")) {
        options.add("-j");
        options.add("-p");
      } else if (tool.statistics() && (prefixOf(o, "-statistics", 2) || prefixOf(o, "--statistics", 3))) {
        options.add("-s");
      } else {
        throw new IllegalArgumentException("Option \"" + o + "\" is unknown, try \"" + tool.name() + " help\".");
      }
    }
    if (i == argv.length || prefixOf(argv[i], "help", 1)) {
      return tool.usage();
    }
    String object = match(argv[i], List.copyOf(new TreeSet<>(tool.commands().keySet())), "Object");
    List<String> rest = new ArrayList<>(List.of(argv).subList(i + 1, argv.length));
    if (!rest.isEmpty() && prefixOf(rest.get(0), "help", 1)) {
      return tool.help().get(object);
    }
    List<String> known = tool.commands().get(object);
    if (!rest.isEmpty() && !known.isEmpty()) {
      String full = match(rest.get(0), known, "Command");
      rest.set(0, full.equals("list") ? "show" : full);
    }
    List<String> args = new ArrayList<>(options);
    args.addAll(rest);
    return dispatch.run(object, args.toArray(String[]::new));
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
