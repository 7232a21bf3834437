package net.vdpa.device.smartnic;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The uplinks of one adapter: created with its switch ports (no cable yet, so no carrier), their
 * devlink port indices ({@link Adapter#UPLINK_PORT_INDEX} for uplink 0, the one below for uplink 1),
 * the link state the administrator set (kept by the adapter), and what the functions' link follows.
 *
 * <p>Guarded by the adapter's lock for changes; each {@link Uplink} has its own for its wire.
 */
final class Uplinks {
  private final Uplink[] all;

  /**
   * An adapter's uplinks, each with its own switch port, their link states as kept.
   *
   * @param config the adapter
   * @param eswitch its switch
   * @param down the uplinks whose link the administrator had set down, by name
   */
  Uplinks(AdapterConfig config, ESwitch eswitch, Set<String> down) {
    all = new Uplink[config.uplinks()];
    for (int i = 0; i < all.length; i++) {
      all[i] = new Uplink(eswitch.add(config.pci().netdev(i), false, true), eswitch);
      all[i].setLink(!down.contains(all[i].name()));
    }
  }

  List<Uplink> list() {
    return List.of(all);
  }

  /** The uplink with a devlink port index, or null if the index is not an uplink's. */
  Uplink byIndex(int index) {
    int i = Adapter.UPLINK_PORT_INDEX - index;
    return i >= 0 && i < all.length ? all[i] : null;
  }

  /** An uplink's devlink port index. */
  static int index(int uplink) {
    return Adapter.UPLINK_PORT_INDEX - uplink;
  }

  /** Whether one uplink's link is up (the functions' link follows: Linux's {@code link-state auto}). */
  boolean anyUp() {
    for (Uplink u : all) {
      if (u.linkUp()) {
        return true;
      }
    }
    return false;
  }

  /** The names of the uplinks whose link is down, as kept. */
  List<String> down() {
    List<String> out = new ArrayList<>();
    for (Uplink u : all) {
      if (!u.linkUp()) {
        out.add(u.name());
      }
    }
    return out;
  }

  /** Whether the PF's netdev has carrier: uplink 0 is up and plugged into a wire. */
  boolean carrier() {
    return all[0].port().linkUp();
  }

  /** The representors the uplinks have in switchdev mode, named as their netdevs. */
  void specs(String adapter, List<Switchdev.Spec> out) {
    for (int i = 0; i < all.length; i++) {
      out.add(new Switchdev.Spec(all[i].port(), all[i].name(), adapter, index(i)));
    }
  }

  /** Unplugs every uplink and takes its port out of the switch. */
  void close(ESwitch eswitch) {
    for (Uplink u : all) {
      u.close();
      eswitch.remove(u.port());
    }
  }
}
