package net.vdpa.device.simnet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import net.vdpa.api.sim.SimNetPorts;

/**
 * Plugs the ports of the simulated NICs into wires: loopback, cables, capture files; and sets
 * their link state. Replugging a port unplugs its old wire first: a cable's other end goes back to
 * loopback, a capture file is flushed and closed.
 *
 * <p>Thread-safe: every change holds this object's lock; workers see the new wire at their next
 * frame.
 */
final class SimNetPortBoard implements SimNetPorts {
  private final Function<String, SimNetDevice> devices;

  /**
   * A board over a set of devices.
   *
   * @param devices finds a device by name, or returns null
   */
  SimNetPortBoard(Function<String, SimNetDevice> devices) {
    this.devices = devices;
  }

  private SimNetDevice device(String name) {
    SimNetDevice d = name == null ? null : devices.apply(name);
    if (d == null) {
      throw new IllegalArgumentException("there is no simulated NIC named '" + name + "'");
    }
    return d;
  }

  @Override
  public synchronized void loopback(String device) {
    replug(device(device).port(), new Loopback());
  }

  @Override
  public synchronized void cable(String a, String b) {
    Port pa = device(a).port();
    Port pb = device(b).port();
    if (pa == pb) {
      throw new IllegalArgumentException("cannot cable simulated NIC '" + a + "' to itself; use loopback");
    }
    Cable c = new Cable(pa, pb);
    replug(pa, c);
    replug(pb, c);
  }

  @Override
  public void capture(String device, Path file) throws IOException {
    Port p = device(device).port();
    PcapCapture capture = new PcapCapture(file);
    synchronized (this) {
      replug(p, capture);
    }
  }

  @Override
  public synchronized String wire(String device) {
    Port p = device(device).port();
    return p.wire().describe(p);
  }

  @Override
  public void setLink(String device, boolean up) {
    device(device).setLink(up);
  }

  /**
   * Puts a device's port back into loopback, releasing its wire (the device is being deleted).
   *
   * @param device the device
   */
  synchronized void unplug(SimNetDevice device) {
    replug(device.port(), new Loopback());
  }

  private void replug(Port port, Wire wire) {
    Wire old = port.plug(wire);
    if (old == wire) {
      return;
    }
    if (old instanceof Cable c) {
      Port peer = c.peer(port);
      if (peer.wire() == old) {
        peer.plug(new Loopback());
      }
    }
    old.close();
  }
}
