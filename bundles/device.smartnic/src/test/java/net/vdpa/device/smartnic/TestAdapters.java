package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.device.core.DeviceTable;

/**
 * Adapters outside a framework: management devices and devices "registered" into maps, the state
 * kept in memory, so a second instance over the same store is a restart.
 */
final class TestAdapters implements AutoCloseable {
  /** Management devices registered now, by handle, in registration order. */
  final Map<String, VdpaMgmtDevice> mgmtdevs = new LinkedHashMap<>();
  /** Representors registered now, by interface name. */
  final Map<String, net.vdpa.api.net.NetInterface> interfaces = new LinkedHashMap<>();
  /** Devices published now, by name. */
  final Map<String, VdpaDevice> devices = new LinkedHashMap<>();
  final MemoryStore store;
  final Adapters adapters;
  final List<Adapters> all = new ArrayList<>();

  /** Keeps states in a map. */
  static final class MemoryStore implements StateStore {
    final Map<String, AdapterState> kept = new HashMap<>();

    @Override
    public AdapterState load(String adapter) {
      return kept.getOrDefault(adapter, AdapterState.fresh(adapter));
    }

    @Override
    public void save(AdapterState state) {
      // through the properties, as ConfigAdmin would keep it
      kept.put(state.adapter(), AdapterState.from(state.toProperties()));
    }
  }

  TestAdapters() {
    this(new MemoryStore());
  }

  TestAdapters(MemoryStore store) {
    this.store = store;
    DeviceTable.Publisher publisher = (d, p) -> {
      devices.put(d.name(), d);
      return () -> devices.remove(d.name());
    };
    Registrar registrar = new Registrar() {
      @Override
      public Runnable register(VdpaMgmtDevice m) {
        if (mgmtdevs.putIfAbsent(m.handle(), m) != null) {
          throw new AssertionError("management device " + m.handle() + " registered twice");
        }
        return () -> mgmtdevs.remove(m.handle());
      }

      @Override
      public Runnable registerInterface(net.vdpa.api.net.NetInterface rep) {
        if (interfaces.putIfAbsent(rep.name(), rep) != null) {
          throw new AssertionError("interface " + rep.name() + " registered twice");
        }
        return () -> interfaces.remove(rep.name());
      }
    };
    this.adapters = new Adapters(registrar, publisher, store, EventLog.NONE);
  }

  /** An adapter at 0000:03:00.0 with 4 VFs at most, 4 SFs, 4 queue pairs. */
  Adapter standard() {
    adapters.update("a1", new AdapterConfig(PciAddress.parse("0000:03:00.0"), 1, 4, 4, 4, 100_000));
    return adapters.adapter("pci/0000:03:00.0");
  }

  @Override
  public void close() {
    adapters.close();
  }
}
