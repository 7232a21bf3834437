package net.vdpa.driver.passthrough;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.HandleInfo;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Vfio;

/**
 * The state of the passthrough driver without OSGi: bound devices, their groups, the containers
 * users opened and the fault log, behind one lock; and the revocation that takes a device back
 * (ask the owner, wait at most the grace period, revoke). Unit tests build it directly.
 */
final class VfioCore implements Vfio {
  /** What the core tells the outside: a revoked handle, a fault, log lines. */
  interface Sink {
    void revoked(String device, String owner, String why);

    void fault(IommuFault fault);

    void info(String line);
  }

  /** Settings, checked. */
  record Settings(long graceMillis, int dmaEntryLimit, String[] groups) {
    Settings {
      if (graceMillis < 0) {
        throw new IllegalArgumentException("grace period " + graceMillis + " ms is negative");
      }
      if (dmaEntryLimit < 1) {
        throw new IllegalArgumentException("dma entry limit " + dmaEntryLimit + " is below 1");
      }
    }
  }

  private final Object lock = new Object();
  private final long graceMillis;
  private final int dmaEntryLimit;
  private final Group.Topology topology;
  private final Sink sink;
  private final FaultLog faults;
  /** Guarded by {@link #lock}. */
  private final GroupTable table;
  /** Guarded by {@link #lock}. */
  private final Map<Integer, Group> groups = new TreeMap<>();
  /** Bound device name to its group; guarded by {@link #lock}. */
  private final Map<String, Group> devices = new TreeMap<>();
  /** Guarded by {@link #lock}. */
  private final List<Container> containers = new ArrayList<>();

  VfioCore(Settings settings, Group.Topology topology, Sink sink, Clock clock) {
    this.graceMillis = settings.graceMillis();
    this.dmaEntryLimit = settings.dmaEntryLimit();
    this.table = new GroupTable(settings.groups());
    this.topology = topology;
    this.sink = sink;
    this.faults = new FaultLog(clock, sink::fault);
  }

  long graceMillis() {
    return graceMillis;
  }

  /** Takes a device: it joins its group (and the group's container's mappings); faults are recorded. */
  Group bind(VdpaDevice d) {
    Group g;
    synchronized (lock) {
      int id = table.groupOf(d.name());
      g = groups.computeIfAbsent(id, i -> new Group(lock, i, table.members(i), topology));
      g.add(d);
      devices.put(d.name(), g);
    }
    if (d.supportsDmaFaults()) {
      String name = d.name();
      d.setDmaFaultCallback((iova, write, reason) -> faults.record(name, iova, write, reason));
    }
    return g;
  }

  /**
   * Takes a device back: the owner of an open handle is asked to release it and has the grace
   * period; then the handle is revoked, the device loses every mapping and leaves its group. Waits
   * at most the grace period, never on anything else.
   */
  void unbind(VdpaDevice d, String why) {
    Handle h;
    synchronized (lock) {
      Group g = devices.get(d.name());
      h = g == null ? null : g.handle(d.name());
    }
    if (h != null) {
      boolean closed;
      try {
        closed = h.requestRelease(why, graceMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closed = false;
      }
      if (!closed && h.revoke(why)) {
        sink.revoked(d.name(), h.owner(), why);
      } else {
        sink.info("device " + d.name() + " released by " + h.owner() + " within the grace period");
      }
    }
    if (d.supportsDmaFaults()) {
      d.setDmaFaultCallback(null);
    }
    synchronized (lock) {
      Group g = devices.remove(d.name());
      if (g != null && g.remove(d.name())) {
        groups.remove(g.id());
      }
      table.forget(d.name());
    }
  }

  /**
   * Whether a device that is not bound here may go to another driver: not while its IOMMU group is
   * in use (attached to a container), as Linux refuses a kernel driver for a member of a group whose
   * DMA user space owns. Only configured multi-device groups can refuse: a device alone in its
   * group has no group once it left the driver.
   *
   * @param device the device the bus is about to probe
   * @param driver the driver it would probe it with
   * @return why not, or empty
   */
  Optional<String> refuses(String device, String driver) {
    if (VfioVdpaDriver.NAME.equals(driver)) {
      return Optional.empty(); // the driver's own members keep the group viable
    }
    synchronized (lock) {
      Integer id = table.configuredGroupOf(device);
      Group g = id == null ? null : groups.get(id);
      String user = g == null ? null : g.user();
      if (user == null) {
        return Optional.empty();
      }
      return Optional.of("iommu group " + id + " is in use by " + user + " through " + VfioVdpaDriver.NAME
          + ": its members may bind only to " + VfioVdpaDriver.NAME + " until it is released");
    }
  }

  /** The owner holding a device open, if any. */
  Optional<String> owner(String device) {
    synchronized (lock) {
      Group g = devices.get(device);
      return Optional.ofNullable(g == null ? null : g.owner(device));
    }
  }

  /** The driver stops: every container is revoked. */
  void close() {
    List<Container> all;
    synchronized (lock) {
      all = new ArrayList<>(containers);
    }
    for (Container c : all) {
      c.close();
    }
  }

  @Override
  public IommuContainer openContainer(String owner) {
    synchronized (lock) {
      Container[] self = new Container[1];
      self[0] = new Container(lock, owner == null || owner.isBlank() ? "?" : owner, dmaEntryLimit,
          () -> forget(self[0]));
      containers.add(self[0]);
      return self[0];
    }
  }

  private void forget(Container c) {
    synchronized (lock) {
      containers.remove(c);
    }
  }

  @Override
  public List<IommuGroup> groups() {
    synchronized (lock) {
      return new ArrayList<>(groups.values());
    }
  }

  @Override
  public Optional<IommuGroup> group(int id) {
    synchronized (lock) {
      return Optional.ofNullable(groups.get(id));
    }
  }

  @Override
  public Optional<IommuGroup> groupOf(String device) {
    synchronized (lock) {
      return Optional.ofNullable(devices.get(device));
    }
  }

  @Override
  public List<HandleInfo> handles() {
    synchronized (lock) {
      List<HandleInfo> l = new ArrayList<>();
      for (Map.Entry<String, Group> e : devices.entrySet()) {
        Handle h = e.getValue().handle(e.getKey());
        l.add(new HandleInfo(e.getKey(), e.getValue().id(), h == null ? null : h.owner(),
            h == null ? 0 : h.badAccesses(), h == null ? 0 : h.refusedWrites()));
      }
      return l;
    }
  }

  @Override
  public List<IommuContainer> containers() {
    synchronized (lock) {
      return new ArrayList<>(containers);
    }
  }

  @Override
  public List<IommuFault> faults() {
    return faults.list();
  }
}
