package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.MacAddress;
import net.vdpa.api.devlink.Devlink;
import net.vdpa.api.devlink.DevlinkDev;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code ip:link}: what iproute2's {@code ip link} does to a SmartNIC PF's VFs
 * ({@code set PF vf N [mac MAC] [vlan V] [spoofchk on|off] [trust on|off]}) and shows
 * ({@code show [PF]}), through every {@link Devlink} service. A PF is named by its network interface
 * ({@code enp3s0f0np0}), which has carrier while its uplink is up and plugged in. Changes print
 * nothing, as ip's do.
 */
@Component(service = IpCommands.class, property = {"osgi.command.scope=ip", "osgi.command.function=link"})
public final class IpCommands {
  private final List<Devlink> services = new CopyOnWriteArrayList<>();

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addDevlink(Devlink d) {
    services.add(d);
  }

  void removeDevlink(Devlink d) {
    services.remove(d);
  }

  /** A PF: its service and devlink device. */
  private record Pf(Devlink service, DevlinkDev dev) {}

  /** {@code ip:link [-j] [-p] [-s] show [PF] | set PF vf N [mac MAC] [vlan V] [spoofchk on|off] [trust on|off]}. */
  @Descriptor("SmartNIC PFs and their VFs: [-s] show [PF] (-s: the VFs' counters) | set PF vf N [mac MAC] [vlan V] [spoofchk on|off] [trust on|off]")
  public String link(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor(Flags.STATS_HELP) @Parameter(names = {Flags.S, Flags.STATS}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean stats,
      @Descriptor("COMMAND ...") String... argv) {
    return ShellError.guard(() -> linkCommand(Args.withStats(json, pretty, stats, argv)));
  }

  private String linkCommand(Args a) {
    final boolean stats = a.stats();
    final List<String> w = a.words();
    VdpaFormat.Style style = a.style();
    String cmd = w.isEmpty() ? "show" : w.get(0);
    if (cmd.equals("show")) {
      List<IpFormat.Pf> out = new ArrayList<>();
      for (Pf pf : pfs()) {
        if (w.size() < 2 || pf.dev().netdev().equals(w.get(1))) {
          List<net.vdpa.api.devlink.VfConfig> vfs = pf.service().vfs(pf.dev().name());
          List<net.vdpa.api.port.PortCounters> counters = null;
          if (stats) {
            counters = new ArrayList<>();
            for (net.vdpa.api.devlink.VfConfig v : vfs) {
              counters.add(pf.service().vfCounters(pf.dev().name(), v.vf()));
            }
          }
          out.add(new IpFormat.Pf(pf.dev().netdev(), pf.service().carrier(pf.dev().name()), vfs, counters));
        }
      }
      if (w.size() >= 2 && out.isEmpty()) {
        throw new IllegalArgumentException("Device \"" + w.get(1) + "\" does not exist.");
      }
      return IpFormat.links(out, style);
    }
    if (!cmd.equals("set")) {
      throw new IllegalArgumentException("unknown link command '" + cmd + "': expected show or set");
    }
    if (w.size() < 6 || !"vf".equals(w.get(2)) || w.size() % 2 != 0) {
      throw new IllegalArgumentException("usage: ip:link set PF vf N [mac MAC] [vlan V] [spoofchk on|off] [trust on|off]");
    }
    Pf pf = pf(w.get(1));
    int vf = number("vf", w.get(3));
    MacAddress mac = null;
    Integer vlan = null;
    Boolean spoof = null;
    Boolean trust = null;
    for (int i = 4; i < w.size(); i += 2) {
      String v = w.get(i + 1);
      switch (w.get(i)) {
        case "mac" -> mac = MacAddress.parse(v);
        case "vlan" -> vlan = number("vlan", v);
        case "spoofchk" -> spoof = onOff("spoofchk", v);
        case "trust" -> trust = onOff("trust", v);
        default -> throw new IllegalArgumentException("unknown vf attribute '" + w.get(i)
            + "': expected mac, vlan, spoofchk or trust");
      }
    }
    pf.service().setVf(pf.dev().name(), vf, mac, vlan, spoof, trust);
    return null;
  }

  private List<Pf> pfs() {
    List<Pf> all = new ArrayList<>();
    for (Devlink d : List.copyOf(services)) {
      for (DevlinkDev dev : d.devices()) {
        all.add(new Pf(d, dev));
      }
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("no SmartNIC PFs: no device bundle with adapters is running (such as device.smartnic)");
    }
    all.sort(java.util.Comparator.comparing(p -> p.dev().netdev()));
    return all;
  }

  private Pf pf(String netdev) {
    for (Pf pf : pfs()) {
      if (pf.dev().netdev().equals(netdev)) {
        return pf;
      }
    }
    throw new IllegalArgumentException("Device \"" + netdev + "\" does not exist.");
  }

  private static int number(String what, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is not a number");
    }
  }

  private static boolean onOff(String what, String v) {
    return switch (v) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(what + " '" + v + "' is not on or off");
    };
  }
}
