package net.vdpa.driver.passthrough;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.ReleaseRequest;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import net.vdpa.api.passthrough.Viability;

/**
 * An IOMMU group: its members, those bound to the driver, the container it is attached to and the
 * handles open on it. Lives while at least one member is bound; after that, every call says it
 * was revoked. All state is guarded by the core's lock.
 */
final class Group implements IommuGroup {
  /** Tells which driver holds a device that is not ours (the bus knows), and hears when a group is free again. */
  interface Topology {
    /** The driver holding the device, or empty if none holds it or it does not exist. */
    Optional<String> driverOf(String device);

    /**
     * A group left its container, so other drivers may take its idle members again. Called with
     * the core's lock held: only queue work.
     *
     * @param members the members not bound to the driver
     */
    default void released(List<String> members) {}
  }

  private final Object lock;
  private final int id;
  private final List<String> members;
  private final Topology topology;
  private final Map<String, VdpaDevice> bound = new TreeMap<>();
  private final Map<String, Handle> open = new HashMap<>();
  private Container container;
  private boolean revoked;

  Group(Object lock, int id, List<String> members, Topology topology) {
    this.lock = lock;
    this.id = id;
    this.members = List.copyOf(members);
    this.topology = topology;
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public List<String> devices() {
    return members;
  }

  @Override
  public Viability viability() {
    synchronized (lock) {
      for (String m : members) {
        if (bound.containsKey(m)) {
          continue;
        }
        Optional<String> driver = topology.driverOf(m);
        if (driver.isPresent() && !driver.get().equals(VfioVdpaDriver.NAME)) {
          return new Viability.Broken(m, driver.get());
        }
      }
      return new Viability.Viable();
    }
  }

  @Override
  public void setContainer(IommuContainer c) {
    synchronized (lock) {
      live();
      if (!(c instanceof Container ours)) {
        throw new VfioException(VfioError.INVALID, "group " + id + ": the container was not opened by vfio_vdpa");
      }
      if (container == ours) {
        return;
      }
      if (container != null) {
        throw new VfioException(VfioError.NO_CONTAINER, "group " + id + " is attached to the container of "
            + container.owner());
      }
      viable();
      ours.attach(this);
      container = ours;
    }
  }

  @Override
  public Optional<IommuContainer> container() {
    synchronized (lock) {
      return Optional.ofNullable(container);
    }
  }

  @Override
  public void unsetContainer() {
    synchronized (lock) {
      live();
      if (!open.isEmpty()) {
        Handle h = open.values().iterator().next();
        throw new VfioException(VfioError.BUSY, "group " + id + ": device " + h.device() + " is open by " + h.owner());
      }
      if (container != null) {
        container.detach(this, false);
        container = null;
        released();
      }
    }
  }

  @Override
  public DeviceHandle openDevice(String device, String owner, ReleaseRequest onRelease) {
    if (owner == null || owner.isBlank() || onRelease == null) {
      throw new VfioException(VfioError.INVALID, "open of " + device + " needs an owner and a release callback");
    }
    synchronized (lock) {
      live();
      if (!members.contains(device)) {
        throw new VfioException(VfioError.INVALID, "device " + device + " is not in group " + id + " " + members);
      }
      VdpaDevice d = bound.get(device);
      if (d == null) {
        throw new VfioException(VfioError.INVALID, "device " + device + " is not bound to " + VfioVdpaDriver.NAME);
      }
      viable();
      if (container == null) {
        throw new VfioException(VfioError.NO_CONTAINER, "group " + id + " has no container: set one first");
      }
      Handle h = open.get(device);
      if (h != null) {
        throw new VfioException(VfioError.BUSY, "device " + device + " is already open by " + h.owner());
      }
      h = new Handle(d, owner, this, onRelease);
      open.put(device, h);
      return h;
    }
  }

  private void viable() {
    Viability v = viability();
    if (v instanceof Viability.Broken b) {
      throw new VfioException(VfioError.NOT_VIABLE, b.describe(id));
    }
  }

  private void live() {
    if (revoked) {
      throw new VfioException(VfioError.REVOKED, "group " + id + " was revoked: no member is bound to "
          + VfioVdpaDriver.NAME + " any more");
    }
  }

  // ---------------------------------------------------------------- for the core and handles

  /** A handle closed or was revoked. */
  void closed(Handle h) {
    synchronized (lock) {
      open.remove(h.device(), h);
    }
  }

  /** The members bound to the driver (core lock held). */
  List<VdpaDevice> boundDevices() {
    return new ArrayList<>(bound.values());
  }

  /** A member was bound (core lock held). */
  void add(VdpaDevice d) {
    bound.put(d.name(), d);
    if (container != null) {
      container.mapAll(d);
    }
  }

  /**
   * A device was reset through its handle: the reset dropped its IOTLB, but the container's
   * mappings outlive a device reset (VFIO_DEVICE_RESET leaves the IOMMU alone), so they go back in.
   */
  void remap(VdpaDevice d) {
    synchronized (lock) {
      if (container != null && bound.get(d.name()) == d) {
        container.unmapAll(d);
        container.mapAll(d);
      }
    }
  }

  /** The open handle of a device, or null (core lock held). */
  Handle handle(String device) {
    return open.get(device);
  }

  /**
   * A member leaves the driver (core lock held): it loses the container's mappings; the last one
   * leaving revokes the group and detaches it, which drops the container's mappings.
   *
   * @return true if the group is now empty
   */
  boolean remove(String device) {
    VdpaDevice d = bound.remove(device);
    if (d != null && container != null) {
      container.unmapAll(d);
    }
    if (bound.isEmpty()) {
      revoked = true;
      if (container != null) {
        container.detach(this, true);
        container = null;
        released();
      }
      return true;
    }
    return false;
  }

  /** The container closed (core lock held). */
  void detach() {
    if (container != null) {
      container.detach(this, false);
      container = null;
      released();
    }
  }

  /**
   * Who uses the group now, so that no member may go to another driver (core lock held): VFIO
   * claims the group's DMA ownership when it joins a container, not only when a device is opened.
   *
   * @return the owner of the container it is attached to, or null if it is free
   */
  String user() {
    return container == null ? null : container.owner();
  }

  private void released() {
    List<String> idle = new ArrayList<>();
    for (String m : members) {
      if (!bound.containsKey(m)) {
        idle.add(m);
      }
    }
    if (!idle.isEmpty()) {
      topology.released(idle);
    }
  }

  /** Who holds a device open, or null (listings). */
  String owner(String device) {
    synchronized (lock) {
      Handle h = open.get(device);
      return h == null ? null : h.owner();
    }
  }
}
