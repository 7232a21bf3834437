package net.vdpa.device.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices one management device created, by name, in creation order: a name is reserved while
 * its device is published (so two adds of one name cannot both succeed), a device is withdrawn
 * before it is reset, and closing deletes every device, newest first, and refuses new ones.
 *
 * <p>Thread-safe: the table is guarded by this object's lock; publishing and withdrawing happen
 * outside it, because the service registry calls out to the bus.
 *
 * @param <D> the device kind
 */
@ProviderType
public final class DeviceTable<D extends VdpaDevice> {
  /** Registers a device as a service. */
  @FunctionalInterface
  public interface Publisher {
    /**
     * Registers a device.
     *
     * @param device the device
     * @param properties its service properties
     * @return what withdraws it
     */
    Runnable publish(VdpaDevice device, Map<String, Object> properties);
  }

  private record Entry<D>(D device, Runnable withdraw) {}

  private final String handle;
  private final Publisher publisher;
  private final EventLog log;
  /**
   * Devices by name, in creation order: a null entry reserves a name being set up, an entry
   * without a withdrawal is being published (findable already: the bus may act on the device, and a
   * user on its port, as soon as the service is registered), a full entry is published.
   */
  private final Map<String, Entry<D>> devices = new LinkedHashMap<>();
  private boolean closed;

  /**
   * An empty table.
   *
   * @param handle the management device's handle, for messages and the service property
   * @param publisher registers devices as services
   * @param log where log lines go
   */
  public DeviceTable(String handle, Publisher publisher, EventLog log) {
    this.handle = handle;
    this.publisher = publisher;
    this.log = log;
  }

  /**
   * Publishes a new device under its name.
   *
   * @param device the device, in the reset state
   * @param created the log line once it is published
   * @return the device
   * @throws IllegalArgumentException if the name is in use
   * @throws IllegalStateException if the table is closed
   */
  public D add(D device, String created) {
    return add(device, d -> { }, d -> { }, created);
  }

  /**
   * Publishes a new device under its name, with the kind's own set-up done once the name is
   * reserved and before the device is published (plugging its port in), and undone if publishing
   * fails.
   *
   * @param device the device, in the reset state
   * @param attach the kind's set-up
   * @param detach undoes it
   * @param created the log line once it is published
   * @return the device
   * @throws IllegalArgumentException if the name is in use
   * @throws IllegalStateException if the table is closed
   */
  public D add(D device, Consumer<D> attach, Consumer<D> detach, String created) {
    String name = device.name();
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("management device " + handle + " is closed; cannot add '" + name + "'");
      }
      if (devices.containsKey(name)) {
        throw new IllegalArgumentException("device name '" + name + "' is already in use on management device "
            + handle);
      }
      devices.put(name, null);
    }
    Runnable withdraw;
    try {
      attach.accept(device);
      synchronized (this) {
        if (closed) {
          throw closedWhileAdding(name);
        }
        devices.put(name, new Entry<>(device, null));
      }
      withdraw = publisher.publish(device, Map.of(VdpaDevice.PROP_NAME, name, VdpaDevice.PROP_MGMTDEV, handle));
    } catch (RuntimeException e) {
      synchronized (this) {
        devices.remove(name);
      }
      detach.accept(device);
      throw e;
    }
    boolean closedMeanwhile;
    synchronized (this) {
      closedMeanwhile = closed; // close() took every published device but this one, still being published
      if (!closedMeanwhile) {
        devices.put(name, new Entry<>(device, withdraw));
      }
    }
    if (closedMeanwhile) {
      delete(new Entry<>(device, withdraw), detach);
      throw closedWhileAdding(name);
    }
    log.info(created);
    return device;
  }

  private IllegalStateException closedWhileAdding(String name) {
    return new IllegalStateException("management device " + handle + " closed while '" + name + "' was being added");
  }

  /**
   * Withdraws and resets a device.
   *
   * @param name its name
   * @param beforeWithdraw what the kind undoes first (unplug a port), may be a no-op
   * @throws IllegalArgumentException if no device of that name was created here
   */
  public void delete(String name, Consumer<D> beforeWithdraw) {
    Entry<D> e;
    synchronized (this) {
      e = devices.get(name);
      if (e == null || e.withdraw() == null) {
        throw new IllegalArgumentException("device '" + name + "' was not created by management device " + handle
            + (devices.containsKey(name) ? " (it is still being added)" : ""));
      }
      devices.remove(name);
    }
    delete(e, beforeWithdraw);
  }

  private void delete(Entry<D> e, Consumer<D> beforeWithdraw) {
    try {
      beforeWithdraw.accept(e.device());
    } catch (RuntimeException ex) {
      log.warn("device " + e.device().name() + ": could not be taken apart cleanly: " + ex.getMessage());
    }
    try {
      e.withdraw().run();
    } finally {
      e.device().reset();
      log.info("device " + e.device().name() + " deleted");
    }
  }

  /**
   * The names of the devices published.
   *
   * @return names, in creation order
   */
  public synchronized List<String> names() {
    List<String> names = new ArrayList<>();
    devices.forEach((n, e) -> {
      if (e != null && e.withdraw() != null) {
        names.add(n);
      }
    });
    return names;
  }

  /**
   * The names of every device published, being published or being set up: what a refusal that
   * protects a device's resources counts ("the port carries a device"). A device is on the bus as
   * soon as its service is registered, before {@link #add} returns, so a user may act on it then.
   *
   * @return names, in creation order
   */
  public synchronized List<String> claimed() {
    return new ArrayList<>(devices.keySet());
  }

  /**
   * A device published or being published (its service may be registered already).
   *
   * @param name its name
   * @return the device, or null
   */
  public synchronized D find(String name) {
    Entry<D> e = devices.get(name);
    return e == null ? null : e.device();
  }

  /**
   * Deletes every device, newest first, and refuses new ones (the bundle stops).
   *
   * @param beforeWithdraw what the kind undoes first for each
   */
  public void close(Consumer<D> beforeWithdraw) {
    List<Entry<D>> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (Entry<D> e : devices.values()) {
        if (e != null && e.withdraw() != null) {
          all.add(e);
        }
      }
      devices.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      delete(all.get(i), beforeWithdraw);
    }
  }
}
