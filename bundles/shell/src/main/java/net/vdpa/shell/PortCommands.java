package net.vdpa.shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.sim.PortState;
import net.vdpa.api.sim.SimNetPorts;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code vdpa:port}: where the simulated NICs' ports are plugged (loopback, a cable, a capture
 * file) and their link state, through {@link SimNetPorts}. Every change is kept with the device and
 * comes back after a restart. The command stays registered when the simulated NIC bundle is not
 * running, and says so.
 */
@Component(service = PortCommands.class, property = {"osgi.command.scope=vdpa", "osgi.command.function=port"})
public final class PortCommands {
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile SimNetPorts ports;

  /** {@code vdpa:port [-j] [-p] show [DEV] | loopback DEV | cable DEV PEER | capture DEV FILE | link DEV up|down}. */
  @Descriptor("ports of the simulated NICs, kept across restarts: show [DEV] | loopback DEV | cable DEV PEER | "
      + "capture DEV FILE | link DEV up|down")
  public String port(@Descriptor("[-j] [-p] COMMAND ...") String... argv) {
    return ShellError.guard(() -> portCommand(argv));
  }

  private String portCommand(String... argv) {
    SimNetPorts p = ports;
    if (p == null) {
      throw new IllegalStateException("no simulated NIC ports: the device.simnet bundle is not running");
    }
    VdpaFormat.Style style = VdpaFormat.Style.TEXT;
    List<String> w = new ArrayList<>();
    for (String a : argv) {
      switch (a) {
        case "-j", "--json" -> style = new VdpaFormat.Style(true, style.pretty());
        case "-p", "--pretty" -> style = new VdpaFormat.Style(style.json(), true);
        case "-jp", "-pj" -> style = new VdpaFormat.Style(true, true);
        default -> w.add(a);
      }
    }
    String cmd = w.isEmpty() ? "show" : w.get(0);
    switch (cmd) {
      case "show" -> {
        return PortFormat.ports(w.size() > 1 ? List.of(p.port(w.get(1))) : p.ports(), style);
      }
      case "loopback" -> {
        args(w, 2, "port loopback DEV");
        p.loopback(w.get(1));
        return PortFormat.ports(List.of(p.port(w.get(1))), style);
      }
      case "cable" -> {
        args(w, 3, "port cable DEV PEER");
        p.cable(w.get(1), w.get(2));
        return PortFormat.ports(List.of(p.port(w.get(1)), p.port(w.get(2))), style);
      }
      case "capture" -> {
        args(w, 3, "port capture DEV FILE");
        Path f = file(w.get(2));
        try {
          p.capture(w.get(1), f);
        } catch (IOException e) {
          String why = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
              : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
          throw new IllegalArgumentException("cannot write capture file " + f + ": " + why);
        }
        return PortFormat.ports(List.of(p.port(w.get(1))), style);
      }
      case "link" -> {
        args(w, 3, "port link DEV up|down");
        String state = w.get(2);
        if (!state.equals("up") && !state.equals("down")) {
          throw new IllegalArgumentException("link state '" + state + "' is not up or down");
        }
        p.setLink(w.get(1), state.equals("up"));
        return PortFormat.ports(List.of(p.port(w.get(1))), style);
      }
      default -> throw new IllegalArgumentException("unknown port command '" + cmd
          + "': expected show, loopback, cable, capture or link");
    }
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
