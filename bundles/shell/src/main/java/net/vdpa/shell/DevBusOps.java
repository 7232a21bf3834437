package net.vdpa.shell;

import java.util.List;
import java.util.function.Supplier;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.dto.DeviceDTO;
import org.osgi.framework.BundleContext;

/**
 * {@code vdpa:dev bind|unbind|override|autoprobe}: the words, and the line each prints, the same
 * whether the bus is this runtime's or another's ({@code ... host B}). Where it runs is a {@link
 * Target}: {@link #local} or {@link #remote}.
 */
final class DevBusOps {
  private DevBusOps() {}

  /** A bus the operations run on. */
  interface Target {
    DeviceDTO bind(String device, String driver) throws InterruptedException;

    DeviceDTO unbind(String device) throws InterruptedException;

    /** Sets the override, or clears it with {@code null}. */
    DeviceDTO override(String device, String driver) throws InterruptedException;

    DeviceDTO autoprobe(String device, boolean on) throws InterruptedException;
  }

  /**
   * This runtime's bus and store. Bind and unbind first let a device just added settle (its
   * driver takes it meanwhile: bind or unbind after that, not during).
   */
  static Target local(BundleContext context, Supplier<VdpaBus> bus, Supplier<VdpaDeviceStore> store) {
    return new Target() {
      @Override
      public DeviceDTO bind(String device, String driver) {
        BusSettle.beforeClassServices(context);
        return bus.get().bind(device, driver);
      }

      @Override
      public DeviceDTO unbind(String device) {
        BusSettle.beforeClassServices(context);
        return bus.get().unbind(device);
      }

      @Override
      public DeviceDTO override(String device, String driver) {
        return store.get().setDriverOverride(device, driver);
      }

      @Override
      public DeviceDTO autoprobe(String device, boolean on) {
        return bus.get().setAutoprobe(device, on);
      }
    };
  }

  /** Another runtime's facade, each call bounded by the call timeout. */
  static Target remote(RemoteRuntimes remote, RemoteRuntimes.Peer peer) {
    return new Target() {
      @Override
      public DeviceDTO bind(String device, String driver) throws InterruptedException {
        return remote.call(peer, rt -> rt.bind(device, driver));
      }

      @Override
      public DeviceDTO unbind(String device) throws InterruptedException {
        return remote.call(peer, rt -> rt.unbind(device));
      }

      @Override
      public DeviceDTO override(String device, String driver) throws InterruptedException {
        // empty, not null, clears over the wire: Aries' TCP provider cannot carry a null argument
        return remote.call(peer, rt -> rt.override(device, driver == null ? "" : driver));
      }

      @Override
      public DeviceDTO autoprobe(String device, boolean on) throws InterruptedException {
        return remote.call(peer, rt -> rt.autoprobe(device, on));
      }
    };
  }

  /**
   * Runs one of the four on a target.
   *
   * @param cmd bind, unbind, override or autoprobe
   * @param words the words after it, {@code host HOST} taken out
   * @return the line to print
   * @throws IllegalArgumentException naming a missing or bad word
   */
  static String run(String cmd, List<String> words, Target t) throws InterruptedException {
    String dev = VdpaCommands.required(word(words, 0), "device name is not set.");
    return switch (cmd) {
      case "bind" -> {
        DeviceDTO d = t.bind(dev, VdpaCommands.required(word(words, 1), "driver name is not set."));
        yield d.name + ": bound to " + d.driver;
      }
      case "unbind" -> t.unbind(dev).name + ": unbound";
      case "override" -> {
        String given = VdpaCommands.required(word(words, 1), "driver name (or none) is not set.");
        DeviceDTO d = t.override(dev, given.equals("none") ? null : given);
        String state = d.state == DeviceDTO.State.BOUND ? "bound to " + d.driver : "unbound (" + d.reason + ")";
        yield d.name + ": driver_override " + given + ", " + state;
      }
      case "autoprobe" -> {
        DeviceDTO d = t.autoprobe(dev, VdpaCommands.onOff(word(words, 1)));
        yield d.name + ": autoprobe " + (d.autoprobe ? "on" : "off");
      }
      default -> throw new IllegalArgumentException("not a bus operation: " + cmd);
    };
  }

  static String word(List<String> words, int i) {
    return i < words.size() ? words.get(i) : null;
  }
}
