package net.vdpa.device.simnet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.net.ForeignCable;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;

/**
 * Plugs the ports of the simulated NICs into wires (loopback, cables, capture files, UDP and TCP
 * stream sockets), sets their
 * link state, and keeps every setting in a {@link PortStore} by device name, so that it comes back
 * whenever the device does ({@link #attach}). Settings are the truth; a port's wire is made from
 * its setting and from which devices are present: a cable whose peer is absent is a
 * {@link PendingCable} until the peer is attached.
 *
 * <p>Thread-safe: every change holds this object's lock; workers see the new wire at their next
 * frame.
 */
final class SimNetPortBoard implements PortControl, SimNetEnd.Board {
  private final Function<String, SimNetDevice> devices;
  private final Supplier<Collection<String>> names;
  private final PortStore store;
  private final EventLog log;
  /** Kept settings by device; a device with none is in loopback with the link up. Guarded by this. */
  private final Map<String, PortSetting> settings = new HashMap<>();

  /**
   * A board that keeps nothing, over a set of devices (tests of the wires alone).
   *
   * @param devices finds a device by name, or returns null
   */
  SimNetPortBoard(Function<String, SimNetDevice> devices) {
    this(devices, List::of, PortStores.NONE, EventLog.NONE);
  }

  /**
   * A board over a set of devices, with the settings kept in a store.
   *
   * @param devices finds a present device by name, or returns null
   * @param names the present devices' names
   * @param store where settings are kept; read once, now
   * @param log where restore problems are reported
   */
  SimNetPortBoard(Function<String, SimNetDevice> devices, Supplier<Collection<String>> names, PortStore store,
      EventLog log) {
    this.devices = devices;
    this.names = names;
    this.store = store;
    this.log = log;
    settings.putAll(store.load());
  }

  private SimNetDevice device(String name) {
    SimNetDevice d = name == null ? null : devices.apply(name);
    if (d == null) {
      throw new IllegalArgumentException("there is no simulated NIC named '" + name + "'");
    }
    return d;
  }

  private PortSetting setting(String device) {
    PortSetting s = settings.get(device);
    return s != null ? s : PortSetting.defaults(device);
  }

  @Override
  public synchronized void loopback(String device) {
    device(device);
    change(List.of(setting(device).withWire(WireKind.LOOPBACK, null, null)), null);
  }

  @Override
  public synchronized void cable(String a, String b) {
    device(a);
    device(b);
    if (a.equals(b)) {
      throw new IllegalArgumentException("cannot cable simulated NIC '" + a + "' to itself; use loopback");
    }
    change(List.of(setting(a).withWire(WireKind.CABLE, b, null), setting(b).withWire(WireKind.CABLE, a, null)), null);
  }

  @Override
  public synchronized PortEnd end(String device) {
    SimNetDevice d = device(device);
    ForeignWire.refuseCabled(d.port(), setting(device));
    d.port().ensureInboxes();
    return new SimNetEnd(this, d.port());
  }

  @Override
  public synchronized void join(String device, PortEnd far) {
    SimNetDevice d = device(device);
    ForeignWire.refuseCabled(d.port(), setting(device));
    // the kept setting is loopback: a cable to another provider does not outlive either end
    change(List.of(setting(device).withWire(WireKind.LOOPBACK, null, null)), null);
    plug(d.port(), new ForeignWire(new ForeignCable(far, d.port().maxFrame())));
    log.info("device " + device + ": port cabled to " + far.port());
  }

  @Override
  public synchronized void farUnplugged(Port port) {
    if (port.wire() instanceof ForeignWire fw && fw.release()) {
      port.plug(new Loopback());
      log.info("device " + port.name() + ": cable to " + fw.peer() + " unplugged at the far end; port in loopback");
    }
  }

  @Override
  public void capture(String device, Path file) throws IOException {
    device(device);
    PcapCapture capture = new PcapCapture(file, false);
    synchronized (this) {
      try {
        change(List.of(setting(device).withWire(WireKind.CAPTURE, null, file)), capture);
      } catch (RuntimeException e) {
        capture.close();
        throw e;
      }
    }
  }

  @Override
  public void socket(String device, WireKind kind, SocketAddresses addresses) throws IOException {
    SimNetDevice d = device(device);
    synchronized (this) {
      PortSetting next = setting(device).withSocket(kind, addresses);
      Port port = d.port();
      if (next.equals(setting(device)) && port.wire() instanceof SocketWire sw && sw.addresses().equals(addresses)) {
        return;
      }
      // the port's own socket on the same local address is closed first, so it can be bound again
      Wire old = port.wire();
      boolean freed = addresses.local() != null && old instanceof SocketWire sw && addresses.local().equals(sw.addresses().local());
      if (freed) {
        plug(port, new Loopback());
      }
      SocketWire w;
      try {
        w = SocketWires.open(kind, port, addresses, log);
      } catch (IOException | RuntimeException e) {
        if (freed) {
          realize(setting(device), null, d);
        }
        throw e;
      }
      try {
        change(List.of(next), w);
      } catch (RuntimeException e) {
        w.close();
        throw e;
      }
    }
  }

  @Override
  public synchronized Optional<SocketStats> socketStats(String port) {
    SimNetDevice d = devices.apply(port);
    if (d == null && !settings.containsKey(port)) {
      throw new IllegalArgumentException("there is no simulated NIC named '" + port + "' and no port kept for it");
    }
    return d != null && d.port().wire() instanceof SocketWire sw ? Optional.of(sw.stats()) : Optional.empty();
  }

  /**
   * Says what a device's port is plugged into, as its wire describes itself.
   *
   * @param device the device name
   * @return {@code loopback}, {@code cable DEV} or {@code capture FILE}
   * @throws IllegalArgumentException if there is no simulated NIC of that name
   */
  synchronized String wire(String device) {
    Port p = device(device).port();
    return p.wire().describe(p);
  }

  @Override
  public synchronized void setLink(String device, boolean up) {
    SimNetDevice d = device(device);
    PortSetting s = setting(device).withLink(up);
    store.save(s);
    put(s);
    d.setLink(up);
  }

  @Override
  public String provider() {
    return SimNetManager.HANDLE;
  }

  @Override
  public synchronized boolean owns(String port) {
    return devices.apply(port) != null || settings.containsKey(port);
  }

  @Override
  public synchronized PortCounters counters(String port) {
    SimNetDevice d = devices.apply(port);
    if (d == null && !settings.containsKey(port)) {
      throw new IllegalArgumentException("there is no simulated NIC named '" + port + "' and no port kept for it");
    }
    return d == null ? new PortCounters(0, 0, 0, 0, 0, 0) : d.portCounters();
  }

  @Override
  public synchronized PortState port(String device) {
    SimNetDevice d = devices.apply(device);
    if (d == null && !settings.containsKey(device)) {
      throw new IllegalArgumentException("there is no simulated NIC named '" + device + "' and no port kept for it");
    }
    PortSetting s = setting(device);
    Wire w = d == null ? null : d.port().wire();
    if (w instanceof ForeignWire fw) {
      return new PortState(device, WireKind.CABLE, fw.peer(), null, s.linkUp(), true, true);
    }
    boolean connected = switch (s.wire()) {
      case CABLE -> w instanceof Cable;
      case UDP, STREAM -> w instanceof SocketWire sw && sw.connected();
      default -> d != null;
    };
    return new PortState(device, s.wire(), s.peer(), s.file(), s.linkUp(), d != null, connected, s.socket());
  }

  @Override
  public synchronized List<PortState> ports() {
    TreeSet<String> all = new TreeSet<>(names.get());
    all.addAll(settings.keySet());
    List<PortState> out = new ArrayList<>();
    for (String n : all) {
      out.add(port(n));
    }
    return out;
  }

  /**
   * Gives a device appearing (created, or created again after a restart) its kept setting: link
   * state, and wire; a cable joins a present peer whose setting names this device, else waits.
   * Called before the device is published, so a driver sees the kept link state from the start.
   *
   * @param device the device
   */
  synchronized void attach(SimNetDevice device) {
    PortSetting s = setting(device.name());
    if (!s.linkUp()) {
      device.setLink(false);
    }
    PcapCapture capture = null;
    if (s.wire() == WireKind.CAPTURE) {
      try {
        capture = new PcapCapture(s.file(), true);
      } catch (IOException e) {
        log.warn("device " + device.name() + ": capture file " + s.file() + " cannot be opened (" + e.getMessage()
            + "); its port stays in loopback");
        return;
      }
    }
    realize(s, capture, device);
    if (!s.isDefault()) {
      Port p = device.port();
      log.info("device " + device.name() + ": port restored: " + p.wire().describe(p) + " link "
          + (s.linkUp() ? "up" : "down"));
    }
  }

  /**
   * Takes a device's port off its wire (the device is being deleted): a cable's other end waits
   * for it. If the device will not come back by itself ({@link PortStore#keeps} says so), its
   * setting is forgotten and a cable's other end goes back to loopback.
   *
   * @param device the device, already out of the device table
   */
  synchronized void detach(SimNetDevice device) {
    String name = device.name();
    Wire old = device.port().plug(new Loopback());
    old.close();
    if (!store.keeps(name)) {
      PortSetting s = settings.get(name);
      store.remove(name);
      settings.remove(name);
      if (s != null && s.wire() == WireKind.CABLE) {
        releasePeer(name, s.peer());
      }
    } else if (old instanceof Cable c) {
      SimNetDevice peer = devices.apply(c.peer(device.port()).name());
      if (peer != null) {
        realize(setting(peer.name()), null, peer);
      }
    }
  }

  /** Keeps the new settings, then plugs the ports they name (and the old peers of their cables). */
  private void change(List<PortSetting> next, Wire prepared) {
    for (PortSetting s : next) {
      store.save(s);
    }
    for (PortSetting s : next) {
      PortSetting before = setting(s.device());
      put(s);
      if (before.wire() == WireKind.CABLE && !before.peer().equals(s.peer())) {
        releasePeer(s.device(), before.peer());
      }
    }
    for (PortSetting s : next) {
      realize(s, prepared, device(s.device()));
    }
  }

  /** The device {@code gone} no longer ends a cable at {@code peer}: the peer goes back to loopback. */
  private void releasePeer(String gone, String peer) {
    PortSetting ps = settings.get(peer);
    if (ps == null || ps.wire() != WireKind.CABLE || !ps.peer().equals(gone)) {
      return;
    }
    PortSetting back = ps.withWire(WireKind.LOOPBACK, null, null);
    store.save(back);
    put(back);
    SimNetDevice p = devices.apply(peer);
    if (p != null) {
      realize(back, null, p);
    }
  }

  private void put(PortSetting s) {
    if (s.isDefault()) {
      settings.remove(s.device());
    } else {
      settings.put(s.device(), s);
    }
  }

  /**
   * Plugs a present device's port into the wire its setting names: {@code prepared} if given (a
   * capture or socket opened by the command), else one opened now (a socket restored).
   */
  private void realize(PortSetting s, Wire prepared, SimNetDevice self) {
    Port port = self.port();
    switch (s.wire()) {
      case LOOPBACK -> {
        if (!(port.wire() instanceof Loopback)) {
          plug(port, new Loopback());
        }
      }
      case CAPTURE -> {
        if (prepared != null) {
          plug(port, prepared);
        }
      }
      case UDP, STREAM -> {
        if (prepared != null) {
          plug(port, prepared);
        } else if (!(port.wire() instanceof SocketWire sw && sw.addresses().equals(s.socket()))) {
          try {
            plug(port, SocketWires.open(s.wire(), port, s.socket(), log));
          } catch (IOException | RuntimeException e) {
            log.warn("device " + self.name() + ": " + s.wire().name().toLowerCase(java.util.Locale.ROOT)
                + " wire cannot be opened (" + e.getMessage() + "); its port stays in " + port.wire().describe(port));
          }
        }
      }
      case CABLE -> {
        SimNetDevice peer = devices.apply(s.peer());
        PortSetting ps = settings.get(s.peer());
        boolean mutual = peer != null && peer != self && ps != null && ps.wire() == WireKind.CABLE
            && ps.peer().equals(self.name());
        if (!mutual) {
          plug(port, new PendingCable(s.peer()));
        } else if (!(port.wire() instanceof Cable c && c.peer(port) == peer.port())) {
          Cable c = new Cable(port, peer.port());
          plug(port, c);
          plug(peer.port(), c);
        }
      }
      default -> throw new IllegalStateException("wire " + s.wire());
    }
  }

  private static void plug(Port port, Wire wire) {
    Wire old = port.plug(wire);
    if (old != wire) {
      old.close();
    }
  }
}
