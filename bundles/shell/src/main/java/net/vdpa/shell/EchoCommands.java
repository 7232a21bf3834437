package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.net.NetInterface;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@code net:echo}: starts and stops {@link EchoResponder}s, one per interface, each answering ARP
 * and ping for an IPv4 address until stopped, until its interface goes away (the driver unbinds, the
 * device is deleted) or until the shell bundle stops. It holds the interface's service while it
 * answers and releases it when it ends (the component is immediate: a delayed one would be
 * deactivated, and its responders stopped, whenever the shell releases it between commands).
 * {@code net:ping} is the other end ({@link Ping}): it asks
 * for an address's MAC with ARP, then sends echo requests and times the replies.
 */
@Component(service = EchoCommands.class, immediate = true, property = {"osgi.command.scope=net", "osgi.command.function=echo",
    "osgi.command.function=ping"})
public final class EchoCommands {
  /** A running responder, the interface service it holds and the address it answers. */
  private record Running(ServiceReference<NetInterface> ref, NetInterface iface, EchoResponder responder, String address) {}

  private final BundleContext context;
  private final Map<String, Running> running = new TreeMap<>();
  private final ServiceListener gone = this::interfaceEvent;

  /**
   * Creates the command and watches interfaces going away.
   *
   * @param context the shell bundle's context
   * @throws InvalidSyntaxException never (the filter is fixed)
   */
  @Activate
  public EchoCommands(BundleContext context) throws InvalidSyntaxException {
    this.context = context;
    context.addServiceListener(gone, "(objectClass=" + NetInterface.class.getName() + ")");
  }

  /** Stops every responder. */
  @Deactivate
  void deactivate() {
    context.removeServiceListener(gone);
    synchronized (running) {
      for (String name : new ArrayList<>(running.keySet())) {
        end(name);
      }
    }
  }

  /**
   * {@code net:echo start IF ADDRESS | stop IF | show}.
   *
   * @param argv the words after {@code net:echo}
   * @return what was done, or the responders
   */
  @Descriptor("answer ARP and ping for an IPv4 address on an interface: start IF ADDRESS | stop IF | show")
  public String echo(@Descriptor("start IF ADDRESS | stop IF | show") String... argv) {
    return ShellError.guard(() -> command(argv));
  }

  private String command(String... argv) throws InvalidSyntaxException {
    String cmd = argv.length == 0 ? "show" : argv[0];
    synchronized (running) {
      switch (cmd) {
        case "show" -> {
          List<String> lines = new ArrayList<>();
          running.values().forEach(r -> lines.add(r.responder().describe(r.address())));
          return lines.isEmpty() ? "no echo responder is running" : String.join("\n", lines);
        }
        case "start" -> {
          if (argv.length != 3) {
            throw new IllegalArgumentException("usage: net:echo start IF ADDRESS (for example: net:echo start vnet0 10.0.0.1)");
          }
          return start(argv[1], argv[2]);
        }
        case "stop" -> {
          if (argv.length != 2) {
            throw new IllegalArgumentException("usage: net:echo stop IF");
          }
          Running r = running.get(argv[1]);
          if (r == null) {
            throw new IllegalArgumentException("no echo responder on " + argv[1] + knownNames());
          }
          end(argv[1]);
          return r.responder().describe(r.address()) + " (stopped)";
        }
        default -> throw new IllegalArgumentException("unknown echo command '" + cmd + "': expected start, stop or show");
      }
    }
  }

  /**
   * {@code net:ping [count N] [size BYTES] [from ADDRESS] IF ADDRESS}.
   *
   * @param argv the words after {@code net:ping}
   * @return one line per reply and the statistics, as ping prints them
   */
  @Descriptor("ping an IPv4 address from an interface (ARP, then ICMP echo): [count N] [size BYTES] [from ADDRESS] IF ADDRESS")
  public String ping(@Descriptor("[count N] [size BYTES] [from ADDRESS] IF ADDRESS") String... argv) {
    return ShellError.guard(() -> pingFrom(argv));
  }

  private String pingFrom(String... argv) throws Exception {
    Ping.Request req = Ping.Request.parse(argv);
    synchronized (running) {
      if (running.containsKey(req.iface())) {
        throw new IllegalArgumentException("an echo responder answers on " + req.iface() + ": ping from another interface");
      }
    }
    try (HeldServices held = new HeldServices(context)) {
      held.settledBus();
      NetInterface iface = held.all(NetInterface.class, "(" + NetInterface.PROP_NAME + "=" + req.iface() + ")").stream()
          .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown interface '" + req.iface() + "'" + held.settledBus()));
      return new Ping(iface, req).run();
    }
  }

  private String start(String name, String addressText) throws InvalidSyntaxException {
    int address = ipv4(addressText);
    if (running.containsKey(name)) {
      throw new IllegalArgumentException("an echo responder already runs on " + name + ": stop it first");
    }
    String unsettled = BusSettle.beforeClassServices(context); // a device just added: its interface once bound
    ServiceReference<NetInterface> ref = context.getServiceReferences(NetInterface.class,
        "(" + NetInterface.PROP_NAME + "=" + name + ")").stream().findFirst().orElse(null);
    NetInterface iface = ref == null ? null : context.getService(ref);
    if (iface == null) {
      throw new IllegalArgumentException("unknown interface '" + name + "'" + unsettled);
    }
    EchoResponder responder = new EchoResponder(iface, address);
    iface.setReceiver(responder);
    running.put(name, new Running(ref, iface, responder, addressText));
    return responder.describe(addressText);
  }

  /** Stops the responder on {@code name} and releases its interface; the caller holds {@link #running}. */
  private void end(String name) {
    Running r = running.remove(name);
    if (r != null) {
      r.iface().setReceiver(null);
      context.ungetService(r.ref());
    }
  }

  private void interfaceEvent(ServiceEvent e) {
    if (e.getType() == ServiceEvent.UNREGISTERING) {
      synchronized (running) {
        running.entrySet().stream().filter(en -> en.getValue().ref().equals(e.getServiceReference())).map(Map.Entry::getKey)
            .findFirst().ifPresent(this::end);
      }
    }
  }

  private String knownNames() {
    return running.isEmpty() ? " (none is running)" : " (running on: " + String.join(", ", running.keySet()) + ")";
  }

  /** A dotted-quad IPv4 address as a big-endian int; no name lookups. */
  static int ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    boolean ok = parts.length == 4;
    int v = 0;
    for (int i = 0; ok && i < 4; i++) {
      String p = parts[i];
      ok = !p.isEmpty() && p.length() <= 3 && p.chars().allMatch(Character::isDigit) && Integer.parseInt(p) <= 255;
      v = ok ? v << 8 | Integer.parseInt(p) : v;
    }
    if (!ok) {
      throw new IllegalArgumentException("address '" + text + "' is not an IPv4 address (a.b.c.d, each 0 to 255)");
    }
    return v;
  }
}
