package net.vdpa.device.smartnic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.port.PortControl;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.PortState;

/**
 * The adapters' uplinks as ports ({@link PortControl}, provider {@value #PROVIDER}), named as their
 * netdevs ({@code enp3s0f0np0}): a capture of what the switch sends out of one, a cable to another
 * provider's port or to another adapter's uplink, its link state (which the adapter's functions
 * follow) and its counters. An uplink has no loopback: unplugged, it has no carrier. Its link state
 * is kept (with the adapter's devlink state) and comes back when its adapter appears; its wire is
 * not: an uplink comes back unplugged.
 *
 * <p>Thread-safe: each uplink has its own lock; the adapter's lock is taken for a link change only.
 */
final class UplinkBoard implements PortControl {
  /** The provider's name. */
  static final String PROVIDER = "smartnic";

  private final Adapters adapters;

  /**
   * The uplinks of a set of adapters.
   *
   * @param adapters the adapters
   */
  UplinkBoard(Adapters adapters) {
    this.adapters = adapters;
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  private record Found(Adapter adapter, Uplink uplink) {}

  private Found find(String port) {
    for (Adapter a : adapters.all()) {
      for (Uplink u : a.uplinks()) {
        if (u.name().equals(port)) {
          return new Found(a, u);
        }
      }
    }
    throw new IllegalArgumentException("there is no SmartNIC uplink named '" + port + "'");
  }

  @Override
  public boolean owns(String port) {
    try {
      find(port);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void loopback(String port) {
    find(port);
    throw new IllegalArgumentException("uplink " + port + " has no loopback: unplug it, capture it or cable it");
  }

  @Override
  public void unplug(String port) {
    find(port).uplink().unplug();
  }

  @Override
  public void cable(String a, String b) {
    find(a);
    find(b);
    PortControl.cable(this, a, this, b);
  }

  @Override
  public PortEnd end(String port) {
    return find(port).uplink().end();
  }

  @Override
  public void join(String port, PortEnd far) {
    find(port).uplink().join(far);
  }

  @Override
  public void capture(String port, Path file) throws IOException {
    find(port).uplink().capture(file);
  }

  @Override
  public void setLink(String port, boolean up) {
    Found f = find(port);
    f.adapter().setUplinkLink(f.uplink(), up);
  }

  @Override
  public PortState port(String port) {
    return find(port).uplink().state();
  }

  @Override
  public List<PortState> ports() {
    List<PortState> out = new ArrayList<>();
    for (Adapter a : adapters.all()) {
      for (Uplink u : a.uplinks()) {
        out.add(u.state());
      }
    }
    return out;
  }

  @Override
  public PortCounters counters(String port) {
    return find(port).uplink().counters();
  }
}
