package net.vdpa.webconsole;

import java.util.Map;
import java.util.function.Function;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;

/**
 * The page's actions, each one call of the API: {@code bind}, {@code unbind}, {@code override}
 * (an empty driver clears it), {@code add} and {@code del}. Devices are added and deleted through
 * the device store when it is there (so they are kept as {@code vdpa dev add} keeps them), else
 * directly on the management device. Errors are exceptions with the API's one-line message.
 */
final class Actions {
  /** What the page may ask for. */
  enum Kind {
    BIND, UNBIND, OVERRIDE, ADD, DEL;

    static Kind parse(String s) {
      if (s != null) {
        for (Kind k : values()) {
          if (k.name().equalsIgnoreCase(s)) {
            return k;
          }
        }
      }
      throw new IllegalArgumentException("action '" + s + "' is not one of bind, unbind, override, add, del");
    }
  }

  private final VdpaBus bus;
  private final VdpaDeviceStore store;
  private final Function<String, VdpaMgmtDevice> mgmtdevs;

  /**
   * @param bus the bus
   * @param store the device store, or null when it is not running
   * @param mgmtdevs the management device of a handle, or null if there is none
   */
  Actions(VdpaBus bus, VdpaDeviceStore store, Function<String, VdpaMgmtDevice> mgmtdevs) {
    this.bus = bus;
    this.store = store;
    this.mgmtdevs = mgmtdevs;
  }

  /**
   * Runs one action.
   *
   * @param params the form's parameters: {@code action}, {@code device}, {@code driver}, {@code mgmtdev}
   * @return what was done, in words (for the log)
   */
  String run(Map<String, String> params) {
    Kind kind = Kind.parse(params.get("action"));
    String device = required(params, "device");
    switch (kind) {
      case BIND -> {
        String driver = required(params, "driver");
        bus.bind(device, driver);
        return "bound " + device + " to " + driver;
      }
      case UNBIND -> {
        bus.unbind(device);
        return "unbound " + device;
      }
      case OVERRIDE -> {
        String driver = params.getOrDefault("driver", "").trim();
        if (store != null) {
          store.setDriverOverride(device, driver.isEmpty() ? null : driver);
        } else {
          bus.setDriverOverride(device, driver);
        }
        return driver.isEmpty() ? "cleared the override of " + device : "set the override of " + device + " to " + driver;
      }
      case ADD -> {
        String handle = required(params, "mgmtdev");
        DevConfig config = DevConfig.named(device);
        if (store != null) {
          store.add(handle, config);
        } else {
          VdpaMgmtDevice m = mgmtdevs.apply(handle);
          if (m == null) {
            throw new IllegalArgumentException("management device " + handle + " not found");
          }
          m.validate(config);
          m.devAdd(config);
        }
        return "added " + device + " on " + handle;
      }
      case DEL -> {
        if (store != null) {
          store.delete(device);
        } else {
          String handle = bus.device(device).map(d -> d.mgmtdev)
              .orElseThrow(() -> new IllegalArgumentException("device " + device + " not found"));
          VdpaMgmtDevice m = handle == null ? null : mgmtdevs.apply(handle);
          if (m == null) {
            throw new IllegalArgumentException("device " + device + " has no management device to delete it");
          }
          m.devDel(device);
        }
        return "deleted " + device;
      }
      default -> throw new IllegalStateException("unhandled action " + kind);
    }
  }

  private static String required(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return v.trim();
  }
}
