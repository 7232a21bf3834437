package net.vdpa.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DeviceDTO.State;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;

/**
 * The bus state as DTOs: each snapshot copies the entry's fields under the bus lock, then asks the
 * device for its status byte (and management devices for their lists) without it. A DTO is the
 * caller's to keep; it never changes after it is returned.
 */
final class Snapshots {
  private final BusState state;
  private final BusSink sink;

  Snapshots(BusState state, BusSink sink) {
    this.state = state;
    this.sink = sink;
  }

  BusDTO bus() {
    BusDTO b = new BusDTO();
    synchronized (state.lock) {
      b.autoprobe = state.autoprobe;
    }
    b.probeTimeoutMillis = state.probeTimeoutMillis;
    b.devices = devices().toArray(new DeviceDTO[0]);
    b.drivers = drivers().toArray(new DriverDTO[0]);
    b.mgmtDevices = mgmtDevices().toArray(new MgmtDevDTO[0]);
    return b;
  }

  /** Every device, by name. */
  List<DeviceDTO> devices() {
    List<DeviceEntry> all;
    synchronized (state.lock) {
      all = state.sortedDevices();
    }
    List<DeviceDTO> out = new ArrayList<>(all.size());
    for (DeviceEntry e : all) {
      out.add(device(e));
    }
    return out;
  }

  Optional<DeviceDTO> device(String name) {
    DeviceEntry e;
    synchronized (state.lock) {
      e = state.device(name);
    }
    return e == null ? Optional.empty() : Optional.of(device(e));
  }

  /** Every driver, by name, then service id. */
  List<DriverDTO> drivers() {
    List<DriverDTO> out = new ArrayList<>();
    synchronized (state.lock) {
      for (DriverEntry d : state.drivers()) {
        DriverDTO dto = new DriverDTO();
        dto.name = d.name;
        dto.ranking = d.ranking;
        dto.serviceId = d.serviceId;
        dto.bundleId = d.bundleId;
        dto.devices = d.devices.stream().map(x -> x.name).sorted().toArray(String[]::new);
        out.add(dto);
      }
    }
    out.sort((a, b) -> a.name.equals(b.name) ? Long.compare(a.serviceId, b.serviceId) : a.name.compareTo(b.name));
    return out;
  }

  /** Every management device, by handle; one that throws while asked is left out, with a warning. */
  List<MgmtDevDTO> mgmtDevices() {
    List<MgmtDevDTO> out = new ArrayList<>();
    for (Map.Entry<Long, VdpaMgmtDevice> me : state.mgmtdevs()) {
      VdpaMgmtDevice m = me.getValue();
      try {
        MgmtDevDTO dto = new MgmtDevDTO();
        dto.serviceId = me.getKey();
        dto.handle = m.handle();
        dto.supportedClasses = m.supportedClasses().stream().sorted().toArray(String[]::new);
        dto.supportedFeatures = m.supportedFeatures();
        dto.maxSupportedVqs = m.maxSupportedVqs();
        dto.acceptedAttributes = m.acceptedAttributes().stream().map(a -> a.keyword()).toArray(String[]::new);
        dto.devices = m.devices().stream().sorted().toArray(String[]::new);
        out.add(dto);
      } catch (RuntimeException ex) {
        sink.warn("management device service " + me.getKey() + " threw while listed: " + DriverCalls.describe(ex));
      }
    }
    out.sort((a, b) -> a.handle.compareTo(b.handle));
    return out;
  }

  /** One device as a DTO. */
  DeviceDTO device(DeviceEntry e) {
    DeviceDTO dto = new DeviceDTO();
    synchronized (state.lock) {
      dto.name = e.name;
      dto.deviceId = e.deviceId;
      dto.vendorId = e.vendorId;
      dto.mgmtdev = e.mgmtdev;
      // unbound with a matching queued: not all drivers present have been asked yet
      dto.state = BusState.shown(e);
      dto.driver = e.driver == null ? null : e.driver.name;
      dto.score = e.driver == null ? 0 : e.score;
      dto.reason = dto.state == State.UNBOUND ? e.reason : null; // a device in transition has no reason yet
      dto.driverOverride = e.override;
      dto.placement = e.state == State.BOUND ? e.placement : null;
      dto.displacedFrom = e.displacedFrom;
      dto.stay = e.stay;
      dto.stayReason = e.stayReason;
      dto.autoprobe = e.autoprobe;
      dto.serviceId = e.serviceId;
      dto.bundleId = e.bundleId;
    }
    VdpaDevice d = e.device;
    try {
      dto.status = d == null ? 0 : d.status();
    } catch (RuntimeException ex) {
      dto.status = -1;
    }
    return dto;
  }
}
