package net.vdpa.shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code vdpa:port}: where devices' ports are plugged (loopback, a cable, a capture file, a UDP or
 * TCP stream socket that QEMU's {@code -netdev dgram} and {@code -netdev stream} speak, a port of
 * another provider: a SmartNIC's uplink to a simulated NIC's port), their link state and counters, through every {@link PortControl} service (one per device bundle with
 * ports: the simulated NIC's, a SmartNIC's). Every change is kept with the device and comes back
 * after a restart. The command stays registered when no device bundle with ports runs, and says so.
 */
@Component(service = PortCommands.class, property = {"osgi.command.scope=vdpa", "osgi.command.function=port"})
public final class PortCommands {
  private final List<PortControl> controls = new CopyOnWriteArrayList<>();

  @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
  void addControl(PortControl c) {
    controls.add(c);
  }

  void removeControl(PortControl c) {
    controls.remove(c);
  }

  /**
   * {@code vdpa:port [-j] [-p] show [PORT] | stats [PORT] | loopback PORT | unplug PORT | cable PORT PEER | capture PORT FILE |
   * udp PORT local ADDR remote ADDR | stream PORT listen|connect ADDR | link PORT up|down}.
   */
  @Descriptor("devices' ports, kept across restarts: show [PORT] | stats [PORT] | loopback PORT | unplug PORT | "
      + "cable PORT PEER (PEER may be another provider's port: a SmartNIC uplink to a simulated NIC) | "
      + "capture PORT FILE | udp PORT local ADDR remote ADDR | stream PORT listen|connect ADDR | link PORT up|down "
      + "(ADDR is HOST:PORT, or PORT on 127.0.0.1)")
  public String port(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("COMMAND ...") String... argv) {
    return ShellError.guard(() -> portCommand(Args.of(json, pretty, argv)));
  }

  private String portCommand(Args line) {
    List<PortControl> all = List.copyOf(controls);
    if (all.isEmpty()) {
      throw new IllegalStateException("no ports: no device bundle with ports is running (such as device.simnet)");
    }
    final VdpaFormat.Style style = line.style();
    final List<String> w = line.words();
    String cmd = w.isEmpty() ? "show" : w.get(0);
    switch (cmd) {
      case "show" -> {
        if (w.size() > 1) {
          PortControl p = owner(all, w.get(1));
          return shown(p, List.of(p.port(w.get(1))), style);
        }
        List<PortState> ps = new ArrayList<>();
        Map<String, SocketStats> sockets = new TreeMap<>();
        for (PortControl c : all) {
          for (PortState s : c.ports()) {
            ps.add(s);
            c.socketStats(s.port()).ifPresent(st -> sockets.put(s.port(), st));
          }
        }
        ps.sort(Comparator.comparing(PortState::port));
        return PortFormat.ports(ps, sockets, style);
      }
      case "stats" -> {
        Map<String, PortCounters> counters = new TreeMap<>();
        if (w.size() > 1) {
          counters.put(w.get(1), owner(all, w.get(1)).counters(w.get(1)));
        } else {
          for (PortControl c : all) {
            for (PortState ps : c.ports()) {
              counters.put(ps.port(), c.counters(ps.port()));
            }
          }
        }
        return PortFormat.counters(counters, style);
      }
      case "loopback" -> {
        args(w, 2, "port loopback PORT");
        PortControl p = owner(all, w.get(1));
        p.loopback(w.get(1));
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      case "cable" -> {
        args(w, 3, "port cable PORT PEER");
        PortControl p = owner(all, w.get(1));
        PortControl q = owner(all, w.get(2));
        if (p != q) {
          // ports of two providers: each is handed the other's end
          PortControl.cable(p, w.get(1), q, w.get(2));
        } else {
          p.cable(w.get(1), w.get(2));
        }
        return PortFormat.ports(List.of(p.port(w.get(1)), q.port(w.get(2))), style);
      }
      case "unplug" -> {
        args(w, 2, "port unplug PORT");
        PortControl p = owner(all, w.get(1));
        p.unplug(w.get(1));
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      case "capture" -> {
        args(w, 3, "port capture PORT FILE");
        PortControl p = owner(all, w.get(1));
        Path f = file(w.get(2));
        try {
          p.capture(w.get(1), f);
        } catch (IOException e) {
          String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
              : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
          throw new IllegalArgumentException("cannot write capture file " + f + ": " + why);
        }
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      case "udp" -> {
        if (w.size() != 6 || !w.get(2).equals("local") || !w.get(4).equals("remote")) {
          throw new IllegalArgumentException("usage: vdpa:port udp PORT local ADDR remote ADDR");
        }
        PortControl p = owner(all, w.get(1));
        SocketAddresses a = SocketAddresses.udp(SocketAddresses.address(w.get(3)), SocketAddresses.address(w.get(5)));
        plugSocket(p, w.get(1), WireKind.UDP, a);
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      case "stream" -> {
        if (w.size() != 4 || !(w.get(2).equals("listen") || w.get(2).equals("connect"))) {
          throw new IllegalArgumentException("usage: vdpa:port stream PORT listen|connect ADDR");
        }
        PortControl p = owner(all, w.get(1));
        java.net.InetSocketAddress at = SocketAddresses.address(w.get(3));
        plugSocket(p, w.get(1), WireKind.STREAM, w.get(2).equals("listen") ? SocketAddresses.listen(at)
            : SocketAddresses.connect(at));
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      case "link" -> {
        args(w, 3, "port link PORT up|down");
        PortControl p = owner(all, w.get(1));
        String state = w.get(2);
        if (!state.equals("up") && !state.equals("down")) {
          throw new IllegalArgumentException("link state '" + state + "' is not up or down");
        }
        p.setLink(w.get(1), state.equals("up"));
        return shown(p, List.of(p.port(w.get(1))), style);
      }
      default -> throw new IllegalArgumentException("unknown port command '" + cmd
          + "': expected show, stats, loopback, unplug, cable, capture, udp, stream or link");
    }
  }

  /** Plugs a port into a socket; a bind failure is the user's error (the address is in use). */
  private static void plugSocket(PortControl p, String port, WireKind kind, SocketAddresses a) {
    try {
      p.socket(port, kind, a);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** Ports with their sockets' counters. */
  private static String shown(PortControl p, List<PortState> ports, VdpaFormat.Style style) {
    Map<String, SocketStats> sockets = new TreeMap<>();
    for (PortState s : ports) {
      p.socketStats(s.port()).ifPresent(st -> sockets.put(s.port(), st));
    }
    return PortFormat.ports(ports, sockets, style);
  }

  /** The service whose port this is. */
  private static PortControl owner(List<PortControl> all, String port) {
    for (PortControl c : all) {
      if (c.owns(port)) {
        return c;
      }
    }
    throw new IllegalArgumentException("there is no port named '" + port + "'");
  }

  private static void args(List<String> w, int n, String usage) {
    if (w.size() != n) {
      throw new IllegalArgumentException("usage: vdpa:" + usage);
    }
  }

  /** A relative file is relative to the directory the runtime was started in, as a shell user expects. */
  private static Path file(String name) {
    try {
      return Path.of(name).toAbsolutePath().normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("capture file '" + name + "' is not a path: " + e.getReason());
    }
  }
}
