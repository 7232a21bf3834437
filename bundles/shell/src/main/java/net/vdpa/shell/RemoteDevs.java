package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.DevConfig;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.MgmtDevDTO;
import net.vdpa.api.remote.RuntimeDevice;
import net.vdpa.api.remote.VdpaRuntime;

/**
 * The part of {@code vdpa:dev} that reaches other runtimes: the host column of {@code dev show}
 * and {@code dev add|del ... host HOST}. Without an imported runtime nothing changes: the listing
 * stays iproute2's. A runtime that does not answer within the timeout is left out of the listing
 * and named in a note under it; the command never waits longer than the timeout.
 */
final class RemoteDevs {
  private RemoteDevs() {}

  /** What {@code dev show} lists: the local devices, then the other runtimes' that answered. */
  record Listing(List<Views.Dev> devs, List<String> notes) {}

  /**
   * Adds the other runtimes' devices to the local ones.
   *
   * @param local the local devices, without host
   * @param only the one device asked for, or {@code null}
   */
  static Listing show(RemoteRuntimes remote, List<Views.Dev> local, String only) throws InterruptedException {
    List<RemoteRuntimes.Peer> peers = remote.peers();
    List<String> notes = new ArrayList<>();
    if (remote.discoveryNote() != null) {
      notes.add(remote.discoveryNote());
    }
    if (peers.isEmpty()) {
      return new Listing(local, notes);
    }
    String here = remote.localHost() == null ? "local" : remote.localHost();
    List<Views.Dev> out = new ArrayList<>();
    for (Views.Dev d : local) {
      out.add(d.on(here));
    }
    List<Future<List<RuntimeDevice>>> calls = new ArrayList<>();
    for (RemoteRuntimes.Peer p : peers) {
      calls.add(remote.start(p, VdpaRuntime::devices));
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(remote.timeoutMs());
    for (int i = 0; i < peers.size(); i++) {
      try {
        for (RuntimeDevice d : remote.await(peers.get(i), calls.get(i), deadline)) {
          if (only == null || only.equals(d.name())) {
            out.add(new Views.Dev(d.name(), d.deviceId(), d.mgmtdev(), d.vendorId(), d.maxVqs(), d.maxVqSize(), d.host()));
          }
        }
      } catch (IllegalArgumentException e) {
        notes.add(e.getMessage());
      }
    }
    return new Listing(out, notes);
  }

  /** {@code bus show host HOST}: that runtime's bus, as its own {@code bus show} would list it. */
  static String bus(RemoteRuntimes remote, String host, VdpaFormat.Style style) throws InterruptedException {
    BusDTO state = remote.call(remote.runtime(host), VdpaRuntime::bus);
    List<Views.BusLine> lines = new ArrayList<>();
    for (DeviceDTO d : state.devices == null ? new DeviceDTO[0] : state.devices) {
      lines.add(new Views.BusLine(d.name, d.state, d.driver, d.reason, d.driverOverride, d.autoprobe, d.placement,
          d.displacedFrom, d.stay, d.stayReason));
    }
    return VdpaFormat.bus(state.autoprobe, lines, style);
  }

  /**
   * {@code mgmtdev show [HANDLE] host HOST}: that runtime's management devices, from its bus snapshot.
   *
   * @throws IllegalArgumentException when the runtime does not answer or has no such management device
   */
  static List<Views.Mgmtdev> mgmtdevs(RemoteRuntimes remote, String host, String only) throws InterruptedException {
    BusDTO state = remote.call(remote.runtime(host), VdpaRuntime::bus);
    List<Views.Mgmtdev> out = new ArrayList<>();
    for (MgmtDevDTO m : state.mgmtDevices == null ? new MgmtDevDTO[0] : state.mgmtDevices) {
      if (only == null || only.equals(m.handle)) {
        out.add(new Views.Mgmtdev(m.handle, List.of(m.supportedClasses), m.maxSupportedVqs, m.supportedFeatures));
      }
    }
    if (only != null && out.isEmpty()) {
      throw new IllegalArgumentException("unknown management device '" + only + "' on host " + host);
    }
    return out;
  }

  /** {@code dev add ... host HOST} on another runtime. */
  static String add(RemoteRuntimes remote, String host, DevAddArgs args) throws InterruptedException {
    RemoteRuntimes.Peer p = remote.named(host);
    String mgmtdev = args.mgmtdev();
    DevConfig config = args.config();
    RuntimeDevice d = remote.call(p, rt -> rt.addDevice(mgmtdev, config));
    return d.name() + ": created on host " + d.host();
  }

  /** {@code dev del DEV host HOST} on another runtime. */
  static String del(RemoteRuntimes remote, String host, String name) throws InterruptedException {
    RemoteRuntimes.Peer p = remote.named(host);
    remote.call(p, rt -> {
      rt.deleteDevice(name);
      return name;
    });
    return name + ": deleted on host " + host;
  }

  /**
   * Takes {@code host HOST} out of a command's words.
   *
   * @return the host, or {@code null} when the words name none
   */
  static String takeHost(List<String> words) {
    int i = words.indexOf("host");
    if (i < 0) {
      return null;
    }
    if (i + 1 >= words.size()) {
      throw new IllegalArgumentException("attribute host needs a value");
    }
    String h = words.get(i + 1);
    words.remove(i + 1);
    words.remove(i);
    return h;
  }
}
