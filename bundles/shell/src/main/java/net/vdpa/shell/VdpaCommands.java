package net.vdpa.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.MgmtDevDTO;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.Process;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code vdpa} command scope: iproute2's {@code vdpa} word for word ({@code mgmtdev show},
 * {@code dev show|add|del|config show|vstats show|set}, each with {@code -j} and {@code -p}), plus
 * the bus control Linux keeps in sysfs ({@code bus show}, {@code bus autoprobe}, {@code dev bind},
 * {@code dev unbind}, {@code dev override}) and {@code monitor}. Commands parse, call the API and
 * return text; {@link VdpaFormat} lays the text out. Errors are exceptions with one-line messages.
 */
@Component(service = VdpaCommands.class, property = {"osgi.command.scope=vdpa", "osgi.command.function=mgmtdev",
    "osgi.command.function=dev", "osgi.command.function=bus", "osgi.command.function=monitor"})
public final class VdpaCommands {
  private final BundleContext context;
  // Calls on other runtimes (dev show/add/del ... host): bounded by RemoteRuntimes' timeout.
  private final ExecutorService remoteCalls = RemoteRuntimes.callPool();

  // Optional, so that the commands stay registered and say the bus is down instead of vanishing.
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile VdpaBus bus;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile VdpaDeviceStore store;

  /** Creates the commands; the bus and the device store are used while they are there. */
  @Activate
  public VdpaCommands(BundleContext context) {
    this.context = context;
  }

  @Deactivate
  void deactivate() { // threads of calls still waiting end with Aries' socket timeout
    remoteCalls.shutdownNow();
  }

  private VdpaBus bus() {
    VdpaBus b = bus;
    if (b == null) {
      throw new IllegalStateException(Absence.message("the vDPA bus", "net.vdpa.bus", context.getBundles()));
    }
    return b;
  }

  private VdpaDeviceStore store() {
    VdpaDeviceStore s = store;
    if (s == null) {
      throw new IllegalStateException(Absence.message(bus == null ? "the vDPA bus" : "the device store",
          bus == null ? "net.vdpa.bus" : "net.vdpa.config", context.getBundles()));
    }
    return s;
  }

  // ------------------------------------------------------------------ mgmtdev

  /** {@code vdpa:mgmtdev [-j] [-p] show [MGMTDEV]}. */
  @Descriptor("show management devices: [-j] [-p] show [MGMTDEV]")
  public String mgmtdev(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("show [MGMTDEV]") String... argv) {
    return ShellError.guard(() -> mgmtdevCommand(Args.of(json, pretty, argv)));
  }

  private String mgmtdevCommand(Args a) throws InterruptedException {
    String cmd = a.word(0) == null ? "show" : a.word(0);
    if (!cmd.equals("show")) {
      throw new IllegalArgumentException("unknown mgmtdev command '" + cmd + "': expected show");
    }
    List<String> words = new ArrayList<>(a.from(1));
    String host = RemoteDevs.takeHost(words);
    String only = words.isEmpty() ? null : words.get(0);
    try (RemoteRuntimes remote = new RemoteRuntimes(context, remoteCalls)) {
      if (host != null && !host.equals(remote.localHost())) {
        List<Views.Mgmtdev> there = RemoteDevs.mgmtdevs(remote, host, only);
        return JsonSection.show(a.style(), "mgmtdev", () -> VdpaFormat.mgmtdevs(there, a.style()));
      }
    }
    return JsonSection.show(a.style(), "mgmtdev", () -> VdpaFormat.mgmtdevs(mgmtdevViews(only), a.style()));
  }

  private List<Views.Mgmtdev> mgmtdevViews(String only) {
    List<Views.Mgmtdev> list = new ArrayList<>();
    for (MgmtDevDTO m : bus().mgmtDevices()) {
      if (only == null || only.equals(m.handle)) {
        list.add(new Views.Mgmtdev(m.handle, List.of(m.supportedClasses), m.maxSupportedVqs, m.supportedFeatures));
      }
    }
    if (only != null && list.isEmpty()) {
      throw new IllegalArgumentException("unknown management device '" + only + "'" + knownMgmtdevs());
    }
    return list;
  }

  // ------------------------------------------------------------------ dev

  /** {@code vdpa:dev [-j] [-p] show|add|del|config|vstats|set|bind|unbind|override|autoprobe ...}. */
  @Descriptor("vDPA devices: show [DEV] | add name NAME mgmtdev MGMTDEV [device_features HEX] [mac MAC] [mtu MTU] "
      + "[max_vqp N] [capacity SIZE] [file PATH] [ro] [num_queues N] | del DEV | config show [DEV] | vstats show DEV qidx N | set name NAME mac MAC | bind DEV DRIVER "
      + "| unbind DEV | override DEV DRIVER|none | autoprobe DEV on|off")
  public String dev(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("COMMAND ...") String... argv) {
    return ShellError.guard(() -> devCommand(Args.of(json, pretty, argv)));
  }

  private String devCommand(Args a) throws InterruptedException {
    try (HeldServices held = new HeldServices(context); RemoteRuntimes remote = new RemoteRuntimes(context, remoteCalls)) {
      return devCommand(held, remote, a);
    }
  }

  private String devCommand(HeldServices held, RemoteRuntimes remote, Args a) throws InterruptedException {
    String cmd = a.word(0) == null ? "show" : a.word(0);
    List<String> words = new ArrayList<>(a.from(1));
    String host = switch (cmd) {
      case "add", "del", "bind", "unbind", "override", "autoprobe" -> RemoteDevs.takeHost(words);
      default -> null;
    };
    boolean there = host != null && !host.equals(remote.localHost());
    RemoteRuntimes.Peer peer = there && !cmd.equals("add") && !cmd.equals("del") ? remote.runtime(host) : null;
    return switch (cmd) {
      case "show" -> JsonSection.show(a.style(), "dev", () -> devShow(held, remote, a));
      case "add" -> there ? RemoteDevs.add(remote, host, DevAddArgs.parse(words)) : add(held, words);
      case "del" -> del(remote, there ? host : null, required(words.isEmpty() ? null : words.get(0), "device name is not set."));
      case "config" -> {
        expect(a.word(1), "show", "dev config");
        yield JsonSection.show(a.style(), "config", () -> VdpaFormat.configs(configViews(held, a.word(2)), a.style()));
      }
      case "vstats" -> {
        expect(a.word(1), "show", "dev vstats");
        VstatsArgs v = VstatsArgs.parse(a.from(2));
        yield JsonSection.show(a.style(), "vstats", () -> VdpaFormat.vstats(vstats(held, v), a.style()));
      }
      case "set" -> set(a.from(1));
      case "bind", "unbind", "override", "autoprobe" -> DevBusOps.run(cmd, words,
          peer != null ? DevBusOps.remote(remote, peer) : DevBusOps.local(context, this::bus, this::store));
      default -> throw new IllegalArgumentException("unknown dev command '" + cmd
          + "': expected show, add, del, config, vstats, set, bind, unbind, override or autoprobe");
    };
  }

  /** Returns once the device exists, printing nothing, as iproute2 does; see {@link BusSettle#beforeClassServices}. */
  private String add(HeldServices held, List<String> words) {
    DevAddArgs args = DevAddArgs.parse(words);
    VdpaMgmtDevice m = mgmtdevNamed(held, args.mgmtdev());
    m.validate(args.config()); // at once, before anything is kept
    if (bus().device(args.config().name()).isPresent()) {
      throw new IllegalArgumentException("device " + args.config().name() + " already exists");
    }
    Process p = Process.Utils.current();
    try (AddProgress progress = AddProgress.open(context, args.config().name(), p == null ? line -> { } : p.out()::println)) {
      store().create(args.mgmtdev(), args.config());
    }
    return null;
  }

  /** The listing, with the other runtimes' devices and a host column when there are any. */
  private String devShow(HeldServices held, RemoteRuntimes remote, Args a) {
    String only = a.word(1);
    RemoteDevs.Listing l;
    try {
      l = RemoteDevs.show(remote, devViews(held, only), only);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    if (only != null && l.devs().isEmpty()) {
      throw unknownDevice(only);
    }
    String text = VdpaFormat.devs(l.devs(), a.style());
    return a.style().json() || l.notes().isEmpty() ? text : text + "\n" + String.join("\n", l.notes());
  }

  private String del(RemoteRuntimes remote, String host, String name) throws InterruptedException {
    if (host != null) {
      return RemoteDevs.del(remote, host, name);
    }
    store().delete(name);
    return name + ": deleted";
  }

  private String set(List<String> words) {
    DevSetArgs args = DevSetArgs.parse(words);
    store().setMac(args.name(), args.mac());
    return args.name() + ": mac " + args.mac();
  }

  /** The local devices (all, or the one named); the caller says when none is found. */
  private List<Views.Dev> devViews(HeldServices held, String only) {
    List<Views.Dev> out = new ArrayList<>();
    for (DeviceDTO d : bus().devices()) {
      if (only != null && !only.equals(d.name)) {
        continue;
      }
      VdpaDevice dev = device(held, d.name);
      out.add(new Views.Dev(d.name, d.deviceId, d.mgmtdev, d.vendorId, dev.vqCount(), dev.vqNumMax()));
    }
    return out;
  }

  private List<Views.ConfigView> configViews(HeldServices held, String only) {
    held.settledBus(); // the negotiated features of a device just added are its driver's: shown once it is bound
    List<Views.ConfigView> out = new ArrayList<>();
    for (DeviceDTO d : bus().devices()) {
      if (only != null && !only.equals(d.name)) {
        continue;
      }
      if (d.deviceId == VdpaDevice.ID_NET) {
        out.add(DeviceViews.config(d.name, device(held, d.name)));
      } else if (d.deviceId == VdpaDevice.ID_BLOCK) {
        out.add(DeviceViews.blkConfig(d.name, device(held, d.name)));
      } else if (only != null) {
        throw new IllegalArgumentException("device " + only + " is of a class config show does not read (id "
            + d.deviceId + ")");
      }
    }
    if (only != null && out.isEmpty()) {
      throw unknownDevice(only);
    }
    return out;
  }

  private Views.Vstats vstats(HeldServices held, VstatsArgs v) {
    String name = v.name();
    int qidx = v.qidx();
    VdpaDevice dev = device(held, name);
    if (qidx < 0 || qidx >= dev.vqCount()) {
      throw new IllegalArgumentException("qidx " + qidx + " is out of range: device " + name + " has queues 0 to "
          + (dev.vqCount() - 1));
    }
    return new Views.Vstats(name, qidx, DeviceViews.queueType(dev, qidx), dev.vendorVqStats(qidx));
  }

  // ------------------------------------------------------------------ bus

  /** {@code vdpa:bus [-j] [-p] show [host HOST] | autoprobe on|off}. */
  @Descriptor("the vDPA bus: [-j] [-p] show [host HOST] | autoprobe on|off")
  public String bus(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("show [host HOST] | autoprobe on|off") String... argv) {
    return ShellError.guard(() -> busCommand(Args.of(json, pretty, argv)));
  }

  private String busCommand(Args a) throws InterruptedException {
    String cmd = a.word(0) == null ? "show" : a.word(0);
    switch (cmd) {
      case "show" -> {
        if ("host".equals(a.word(1)) && a.word(2) != null) {
          try (RemoteRuntimes remote = new RemoteRuntimes(context, remoteCalls)) {
            return RemoteDevs.bus(remote, a.word(2), a.style());
          }
        }
        List<Views.BusLine> lines = new ArrayList<>();
        for (DeviceDTO d : BusSettle.devices(context, bus())) {
          lines.add(new Views.BusLine(d.name, d.state, d.driver, d.reason, d.driverOverride, d.autoprobe,
              d.placement, d.displacedFrom, d.stay, d.stayReason));
        }
        return VdpaFormat.bus(bus().isAutoprobe(), lines, a.style());
      }
      case "autoprobe" -> {
        bus().setAutoprobe(onOff(a.word(1)));
        return "autoprobe " + (bus().isAutoprobe() ? "on" : "off");
      }
      default -> throw new IllegalArgumentException("unknown bus command '" + cmd + "': expected show or autoprobe");
    }
  }

  // ------------------------------------------------------------------ monitor

  /**
   * {@code vdpa:monitor}: prints bus events, other runtimes coming and going and their bus events,
   * as they happen until interrupted (Ctrl-C).
   */
  @Descriptor("print bus events (and other runtimes coming and going, and theirs) as they happen until interrupted (Ctrl-C); "
      + "'monitor N' stops after N events")
  public void monitor(CommandSession session, @Descriptor("[COUNT]") String... argv) {
    ShellError.guard(() -> {
      watch(session, argv);
      return null;
    });
  }

  private void watch(CommandSession session, String... argv) {
    int limit = argv.length > 0 ? DevAddArgs.number("count", argv[0]) : Integer.MAX_VALUE;
    try {
      long timeoutMs;
      try (RemoteRuntimes remote = new RemoteRuntimes(context, remoteCalls)) {
        timeoutMs = remote.timeoutMs();
      }
      new BusMonitor(context, timeoutMs).run(session.getConsole(), limit);
    } catch (InterruptedException stop) {
      // Ctrl-C: monitoring ends, which is what the user asked for
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The device service of that name, held until the command ends. */
  private VdpaDevice device(HeldServices held, String name) {
    List<VdpaDevice> found;
    try {
      found = held.all(VdpaDevice.class, "(" + VdpaDevice.PROP_NAME + "=" + name + ")");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("device name '" + name + "' is not valid");
    }
    if (found.isEmpty()) {
      throw unknownDevice(name);
    }
    return found.get(0);
  }

  /** The management device with that handle, held until the command ends. */
  private VdpaMgmtDevice mgmtdevNamed(HeldServices held, String handle) {
    for (VdpaMgmtDevice m : held.all(VdpaMgmtDevice.class, null)) {
      if (handle.equals(m.handle())) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown management device '" + handle + "'" + knownMgmtdevs());
  }

  private String knownMgmtdevs() {
    String[] handles = bus().mgmtDevices().stream().map(m -> m.handle).toArray(String[]::new);
    return handles.length == 0 ? " (there is none)" : " (known: " + String.join(", ", Arrays.asList(handles)) + ")";
  }

  private IllegalArgumentException unknownDevice(String name) {
    return new IllegalArgumentException("unknown device '" + name + "'");
  }

  static String required(String value, String message) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(message);
    }
    return value;
  }

  private static void expect(String word, String wanted, String where) {
    if (!wanted.equals(word)) {
      throw new IllegalArgumentException(where + ": expected '" + wanted + "', got '" + (word == null ? "" : word) + "'");
    }
  }

  static boolean onOff(String word) {
    if ("on".equals(word)) {
      return true;
    }
    if ("off".equals(word)) {
      return false;
    }
    throw new IllegalArgumentException("expected on or off, got '" + (word == null ? "" : word) + "'");
  }
}
