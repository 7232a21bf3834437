package net.vdpa.webconsole;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.vdpa.api.dto.BusDTO;
import net.vdpa.api.dto.DeviceDTO;
import net.vdpa.api.dto.DriverDTO;
import net.vdpa.api.dto.MgmtDevDTO;

/**
 * The picture the page draws, built from the bus's DTOs and the class services drivers published:
 * management devices, drivers, and each device with its state, its driver, why it is there (or why
 * it has none) and what the driver made of it. Pure: the servlet writes it as JSON.
 */
final class BusView {
  private BusView() {}

  /**
   * The picture.
   *
   * @param bus the bus's state
   * @param services the class services by device name
   * @return the picture, as maps and lists that {@link Json} writes
   */
  static Map<String, Object> picture(BusDTO bus, Map<String, List<ClassService>> services) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("autoprobe", bus.autoprobe);
    List<Object> mgmt = new ArrayList<>();
    for (MgmtDevDTO d : sorted(bus.mgmtDevices)) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("handle", d.handle);
      e.put("classes", list(d.supportedClasses));
      e.put("maxVqs", d.maxSupportedVqs);
      e.put("devices", list(d.devices));
      mgmt.add(e);
    }
    m.put("mgmtdevs", mgmt);
    List<Object> drivers = new ArrayList<>();
    for (DriverDTO d : bus.drivers == null ? new DriverDTO[0] : bus.drivers) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", d.name);
      e.put("ranking", d.ranking);
      e.put("bundleId", d.bundleId);
      e.put("devices", list(d.devices));
      drivers.add(e);
    }
    m.put("drivers", drivers);
    List<Object> devices = new ArrayList<>();
    for (DeviceDTO d : bus.devices == null ? new DeviceDTO[0] : bus.devices) {
      devices.add(device(d, services.getOrDefault(d.name, List.of())));
    }
    m.put("devices", devices);
    return m;
  }

  /** One device: the DTO's fields, the reason in words, and its class services. */
  static Map<String, Object> device(DeviceDTO d, List<ClassService> services) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", d.name);
    e.put("type", type(d.deviceId));
    e.put("mgmtdev", d.mgmtdev);
    e.put("state", d.state);
    e.put("driver", d.driver);
    e.put("placement", d.placement);
    e.put("why", why(d));
    e.put("reason", d.reason);
    e.put("override", d.driverOverride);
    e.put("displacedFrom", d.displacedFrom);
    e.put("stay", d.stay);
    e.put("autoprobe", d.autoprobe);
    List<Object> cls = new ArrayList<>();
    for (ClassService s : services) {
      cls.add(s.describe());
    }
    e.put("class", cls);
    return e;
  }

  /** Why the device is where it is, in a few words, with the score its driver gave it. */
  static String why(DeviceDTO d) {
    if (d.state == DeviceDTO.State.BOUND && d.placement != null) {
      String how = switch (d.placement) {
        case AUTOPROBE -> "best match (autoprobe, score " + d.score + ")";
        case OVERRIDE -> "driver override (score " + d.score + ")";
        case BIND -> "explicit bind (score " + d.score + ")";
      };
      return d.stayReason == null ? how : how + "; stays: " + d.stayReason;
    }
    if (d.state == DeviceDTO.State.UNBOUND) {
      return d.reason == null ? "unbound" : d.reason;
    }
    if (d.state == DeviceDTO.State.PROBING) {
      return "probing " + d.driver + " (score " + d.score + ")";
    }
    if (d.state == DeviceDTO.State.REMOVING) {
      return "removing from " + d.driver;
    }
    return "waiting to be matched";
  }

  /** The virtio device type as iproute2 names it. */
  static String type(int deviceId) {
    return switch (deviceId) {
      case 1 -> "network";
      case 2 -> "block";
      default -> "virtio " + deviceId;
    };
  }

  private static MgmtDevDTO[] sorted(MgmtDevDTO[] a) {
    MgmtDevDTO[] s = a == null ? new MgmtDevDTO[0] : a.clone();
    Arrays.sort(s, (x, y) -> x.handle.compareTo(y.handle));
    return s;
  }

  private static List<String> list(String[] a) {
    return a == null ? List.of() : Arrays.asList(a);
  }
}
