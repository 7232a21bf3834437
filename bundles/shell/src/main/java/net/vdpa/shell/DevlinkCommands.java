package net.vdpa.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.DevlinkDev;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.EswitchMode;
import net.vdpa.api.devlink.FunctionState;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code devlink:dev} and {@code devlink:port}: iproute2's {@code devlink} over every
 * {@link Devlink} service (one per device bundle with adapters), with its syntax and its output
 * ({@link DevlinkFormat}). The VF count, which Linux sets through sysfs ({@code sriov_numvfs}), is
 * the devlink parameter {@code sriov_numvfs} here. Changes print nothing, as devlink's do.
 */
@Component(service = DevlinkCommands.class,
    property = {"osgi.command.scope=devlink", "osgi.command.function=dev", "osgi.command.function=port"})
public final class DevlinkCommands {
  private final List<Devlink> services = new CopyOnWriteArrayList<>();

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addDevlink(Devlink d) {
    services.add(d);
  }

  void removeDevlink(Devlink d) {
    services.remove(d);
  }

  /** {@code devlink:dev [-j] [-p] show [DEV] | eswitch show|set DEV mode MODE | param show|set DEV name sriov_numvfs [value N cmode runtime]}. */
  @Descriptor("devlink devices: show [DEV] | eswitch show DEV | eswitch set DEV mode legacy|switchdev | "
      + "param show DEV name sriov_numvfs | param set DEV name sriov_numvfs value N cmode runtime")
  public String dev(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("COMMAND ...") String... argv) {
    // devlink takes -s before any object; only port show reads it
    return ShellError.guard(() -> devCommand(Args.withStats(json, pretty, false, argv)));
  }

  private String devCommand(Args a) {
    String cmd = a.word(0) == null ? "show" : a.word(0);
    switch (cmd) {
      case "show" -> {
        return JsonSection.show(a.style(), "dev",
            () -> DevlinkFormat.devs(a.word(1) != null ? List.of(dev(a.word(1))) : devs(), a.style()));
      }
      case "eswitch" -> {
        String sub = a.word(1);
        String name = required(a.word(2), "devlink device is not set (such as pci/0000:03:00.0)");
        if ("show".equals(sub)) {
          return JsonSection.show(a.style(), "dev", () -> DevlinkFormat.eswitch(dev(name), a.style()));
        }
        if ("set".equals(sub)) {
          if (!"mode".equals(a.word(3)) || a.word(4) == null || a.words().size() != 5) {
            throw new IllegalArgumentException("usage: devlink:dev eswitch set DEV mode legacy|switchdev");
          }
          EswitchMode m = EswitchMode.of(a.word(4));
          owner(name).setEswitchMode(name, m);
          return null;
        }
        throw new IllegalArgumentException("unknown eswitch command '" + sub + "': expected show or set");
      }
      case "param" -> {
        String sub = a.word(1);
        String name = required(a.word(2), "devlink device is not set (such as pci/0000:03:00.0)");
        if (!"name".equals(a.word(3)) || !"sriov_numvfs".equals(a.word(4))) {
          throw new IllegalArgumentException("parameter '" + (a.word(4) == null ? "" : a.word(4))
              + "' is not known: the parameter is sriov_numvfs (name sriov_numvfs)");
        }
        if ("show".equals(sub)) {
          return JsonSection.show(a.style(), "param", () -> DevlinkFormat.numVfs(dev(name), a.style()));
        }
        if ("set".equals(sub)) {
          if (!"value".equals(a.word(5)) || a.word(6) == null || !"cmode".equals(a.word(7))
              || !"runtime".equals(a.word(8)) || a.words().size() != 9) {
            throw new IllegalArgumentException("usage: devlink:dev param set DEV name sriov_numvfs value N cmode runtime");
          }
          int n;
          try {
            n = Integer.parseInt(a.word(6));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sriov_numvfs value '" + a.word(6) + "' is not a number");
          }
          owner(name).setNumVfs(name, n);
          return null;
        }
        throw new IllegalArgumentException("unknown param command '" + sub + "': expected show or set");
      }
      default -> throw new IllegalArgumentException("unknown dev command '" + cmd + "': expected show, eswitch or param");
    }
  }

  /** {@code devlink:port [-j] [-p] [-s] show [PORT] | add DEV flavour pcisf pfnum 0 sfnum N | del PORT | function set PORT [hw_addr MAC] [state active|inactive]}. */
  @Descriptor("devlink ports: [-s] show [PORT] (-s: counters of the port and its representor) | "
      + "add DEV flavour pcisf pfnum 0 sfnum N | del PORT | function set PORT [hw_addr MAC] [state active|inactive]")
  public String port(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor(Flags.STATS_HELP) @Parameter(names = {Flags.S, Flags.STATS}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean stats,
      @Descriptor("COMMAND ...") String... argv) {
    Args a = Args.withStats(json, pretty, stats, argv);
    return ShellError.guard(() -> portCommand(a, a.stats()));
  }

  private String ports(String only, boolean stats, VdpaFormat.Style style) {
    List<DevlinkPort> all = new ArrayList<>();
    for (Devlink d : present()) {
      all.addAll(d.ports());
    }
    all.sort(Comparator.comparing(DevlinkPort::dev).thenComparingInt(DevlinkPort::index));
    if (only != null) {
      all = all.stream().filter(p -> p.name().equals(only)).toList();
      if (all.isEmpty()) {
        throw new IllegalArgumentException("there is no port " + only);
      }
    }
    Map<String, DevlinkFormat.Stats> counters = new HashMap<>();
    if (stats) {
      for (DevlinkPort p : all) {
        Devlink d = owner(p.dev());
        counters.put(p.name(), new DevlinkFormat.Stats(d.counters(p.name()),
            d.representorCounters(p.name()).orElse(null)));
      }
    }
    return DevlinkFormat.ports(all, counters, style);
  }

  private String portCommand(Args a, boolean stats) {
    String cmd = a.word(0) == null ? "show" : a.word(0);
    switch (cmd) {
      case "show" -> {
        return JsonSection.show(a.style(), "port", () -> ports(a.word(1), stats, a.style()));
      }
      case "add" -> {
        String name = required(a.word(1), "devlink device is not set (such as pci/0000:03:00.0)");
        if (!"flavour".equals(a.word(2)) || !"pfnum".equals(a.word(4)) || !"sfnum".equals(a.word(6))
            || a.words().size() != 8) {
          throw new IllegalArgumentException("usage: devlink:port add DEV flavour pcisf pfnum 0 sfnum N");
        }
        if (!"pcisf".equals(a.word(3))) {
          throw new IllegalArgumentException("flavour '" + a.word(3) + "' cannot be added: only pcisf ports can");
        }
        DevlinkPort p = owner(name).addSf(name, number("pfnum", a.word(5)), number("sfnum", a.word(7)));
        return DevlinkFormat.ports(List.of(p), a.style());
      }
      case "del" -> {
        String port = required(a.word(1), "port is not set (such as pci/0000:03:00.0/32768)");
        owner(devOf(port)).delPort(port);
        return null;
      }
      case "function" -> {
        if (!"set".equals(a.word(1))) {
          throw new IllegalArgumentException("unknown function command '" + a.word(1) + "': expected set");
        }
        String port = required(a.word(2), "port is not set (such as pci/0000:03:00.0/32768)");
        MacAddress mac = null;
        FunctionState state = null;
        List<String> w = a.words();
        if (w.size() == 3) {
          throw new IllegalArgumentException("usage: devlink:port function set PORT [hw_addr MAC] [state active|inactive]");
        }
        for (int i = 3; i < w.size(); i += 2) {
          String v = i + 1 < w.size() ? w.get(i + 1) : null;
          switch (w.get(i)) {
            case "hw_addr" -> mac = MacAddress.parse(required(v, "hw_addr has no value"));
            case "state" -> state = FunctionState.of(required(v, "state has no value"));
            default -> throw new IllegalArgumentException("unknown function attribute '" + w.get(i)
                + "': expected hw_addr or state");
          }
        }
        owner(devOf(port)).setFunction(port, mac, state);
        return null;
      }
      default -> throw new IllegalArgumentException("unknown port command '" + cmd + "': expected show, add, del or function");
    }
  }

  private static int number(String what, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is not a number");
    }
  }

  private static String devOf(String port) {
    int slash = port.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("port '" + port + "' is not of the form DEV/INDEX (such as pci/0000:03:00.0/1)");
    }
    return port.substring(0, slash);
  }

  /** The devlink services present; refused with a line saying why when there is none. */
  List<Devlink> present() {
    List<Devlink> all = List.copyOf(services);
    if (all.isEmpty()) {
      throw new IllegalStateException("no devlink devices: no device bundle with adapters is running (such as device.smartnic)");
    }
    return all;
  }

  private List<DevlinkDev> devs() {
    List<DevlinkDev> all = new ArrayList<>();
    for (Devlink d : present()) {
      all.addAll(d.devices());
    }
    all.sort(Comparator.comparing(DevlinkDev::name));
    return all;
  }

  private DevlinkDev dev(String name) {
    for (DevlinkDev d : devs()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("there is no devlink device " + name);
  }

  private Devlink owner(String dev) {
    for (Devlink d : present()) {
      if (d.owns(dev)) {
        return d;
      }
    }
    throw new IllegalArgumentException("there is no devlink device " + dev);
  }

  private static String required(String v, String message) {
    if (v == null) {
      throw new IllegalArgumentException(message);
    }
    return v;
  }
}
