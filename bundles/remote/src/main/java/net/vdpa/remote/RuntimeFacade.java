package net.vdpa.remote;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.WireKind;
import net.vdpa.api.remote.EventBatch;
import net.vdpa.api.remote.RuntimeDevice;
import net.vdpa.api.remote.VdpaRuntime;

/**
 * This runtime's {@link VdpaRuntime}: the same checks and the same bus and store operations as the
 * local {@code vdpa:dev} and {@code vdpa:port} commands, with results as serialisable records.
 * Stateless; safe from any thread (the bus and the store serialise their own changes). Public only
 * because Aries' TCP provider invokes its methods by reflection; the package is not exported.
 */
public final class RuntimeFacade implements VdpaRuntime {
  private final String host;
  private final VdpaBus bus;
  private final VdpaDeviceStore store;
  private final LocalServices services;
  private final EventJournal journal;

  RuntimeFacade(String host, VdpaBus bus, VdpaDeviceStore store, LocalServices services, EventJournal journal) {
    this.host = host;
    this.bus = bus;
    this.store = store;
    this.services = services;
    this.journal = journal;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public List<RuntimeDevice> devices() {
    List<RuntimeDevice> out = new ArrayList<>();
    for (DeviceDTO d : bus.devices()) {
      RuntimeDevice r = listed(d);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public BusDTO bus() {
    return bus.state();
  }

  @Override
  public EventBatch events(long after, long waitMs) {
    try {
      return journal.since(after, waitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new EventBatch(Math.max(0, after), List.of(), 0); // the runtime is stopping: nothing more comes
    }
  }

  @Override
  public RuntimeDevice addDevice(String mgmtdev, DevConfig config) {
    Boolean known = services.first(VdpaMgmtDevice.class, null, m -> mgmtdev.equals(m.handle()), m -> {
      m.validate(config); // before anything is kept, as the local command does
      return Boolean.TRUE;
    });
    if (known == null) {
      throw new IllegalArgumentException("unknown management device '" + mgmtdev + "' on host " + host);
    }
    if (bus.device(config.name()).isPresent()) {
      throw new IllegalArgumentException("device " + config.name() + " already exists on host " + host);
    }
    DeviceDTO d = store.add(mgmtdev, config);
    RuntimeDevice r = listed(d);
    if (r == null) {
      throw new IllegalStateException("device " + config.name() + " on host " + host + " went away at once");
    }
    return r;
  }

  @Override
  public void deleteDevice(String name) {
    store.delete(name);
  }

  @Override
  public DeviceDTO bind(String device, String driver) {
    return bus.bind(device, driver);
  }

  @Override
  public DeviceDTO unbind(String device) {
    return bus.unbind(device);
  }

  @Override
  public DeviceDTO override(String device, String driver) {
    return store.setDriverOverride(device, driver == null || driver.isEmpty() ? null : driver);
  }

  @Override
  public DeviceDTO autoprobe(String device, boolean on) {
    return bus.setAutoprobe(device, on);
  }

  @Override
  public String plugUdp(String port, String local, String remote) {
    SocketAddresses a = SocketAddresses.udp(SocketAddresses.address(local), SocketAddresses.address(remote));
    String done = services.first(PortControl.class, null, c -> c.owns(port), c -> {
      try {
        c.socket(port, WireKind.UDP, a);
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage() + " on host " + host);
      }
      return port + ": wire udp local " + text(a.local()) + " remote " + text(a.remote());
    });
    if (done == null) {
      throw new IllegalArgumentException("unknown port '" + port + "' on host " + host);
    }
    return done;
  }

  @Override
  public String loopback(String port) {
    String done = services.first(PortControl.class, null, c -> c.owns(port), c -> {
      c.loopback(port);
      return port + ": wire loopback";
    });
    if (done == null) {
      throw new IllegalArgumentException("unknown port '" + port + "' on host " + host);
    }
    return done;
  }

  /** The device as listed, or {@code null} when its service went away meanwhile. */
  private RuntimeDevice listed(DeviceDTO d) {
    int[] vq = services.first(VdpaDevice.class, "(" + VdpaDevice.PROP_NAME + "=" + d.name + ")", v -> true,
        v -> new int[] {v.vqCount(), v.vqNumMax()});
    return vq == null ? null : new RuntimeDevice(host, d.name, d.deviceId, d.mgmtdev, d.vendorId, vq[0], vq[1]);
  }

  private static String text(java.net.InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }
}
