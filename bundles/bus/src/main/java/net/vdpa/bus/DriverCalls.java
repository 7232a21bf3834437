package net.vdpa.bus;

import java.util.Optional;
import net.vdpa.api.VdpaDevice;

/**
 * The bus's calls into drivers and devices other than {@code probe}, each with its failure
 * contained: a driver or device that throws is reported in one line and the bus goes on. Called on
 * device lanes, never with the bus lock held.
 */
final class DriverCalls {
  private final BusSink sink;

  DriverCalls(BusSink sink) {
    this.sink = sink;
  }

  /** The driver's score for the device; a driver whose {@code match} throws scores 0, with a note. */
  Candidates.Scored score(DriverEntry d, DeviceEntry e) {
    try {
      return new Candidates.Scored(d, Math.max(0, d.driver.match(e.device)), null);
    } catch (RuntimeException | LinkageError ex) {
      return new Candidates.Scored(d, 0, "match threw " + describe(ex));
    }
  }

  /** Asks a driver whether a user holds the device open; a driver that throws is taken as busy. */
  Optional<String> busy(DriverEntry d, DeviceEntry e) {
    try {
      Optional<String> why = d.driver.busy(e.device);
      return why == null ? Optional.empty() : why;
    } catch (RuntimeException | LinkageError ex) {
      sink.warn("driver " + d.name + " threw from busy(" + e.name + "): " + describe(ex));
      return Optional.of("busy() threw " + describe(ex));
    }
  }

  /**
   * Asks every driver present but the candidate whether it refuses the device to it; a driver
   * that throws is taken as not refusing (it is reported), so a broken driver cannot lock devices
   * away.
   *
   * @return the first refusal as {@code "refused by DRIVER: WHY"}, or null
   */
  String refusal(DriverEntry[] drivers, DriverEntry candidate, DeviceEntry e) {
    for (DriverEntry d : drivers) {
      if (d == candidate || d.gone) {
        continue;
      }
      try {
        Optional<String> why = d.driver.refuses(e.device, candidate.name);
        if (why != null && why.isPresent()) {
          return "refused by " + d.name + ": " + why.get();
        }
      } catch (RuntimeException | LinkageError ex) {
        sink.warn("driver " + d.name + " threw from refuses(" + e.name + ", " + candidate.name + "): " + describe(ex));
      }
    }
    return null;
  }

  /** Tells a driver to let go of a device. */
  void remove(DriverEntry d, DeviceEntry e) {
    try {
      d.driver.remove(e.device);
    } catch (VirtualMachineError vme) {
      throw vme;
    } catch (Throwable t) {
      sink.warn("driver " + d.name + " threw from remove of device " + e.name + ": " + describe(t));
    }
  }

  /** Resets a device after a driver let go of it (or failed to take it). */
  void reset(DeviceEntry e) {
    VdpaDevice d = e.device;
    if (d == null) {
      return;
    }
    try {
      d.reset();
    } catch (RuntimeException ex) {
      sink.warn("reset of device " + e.name + " threw " + describe(ex));
    }
  }

  /** Why the device's queue limits make it unusable, or null if they are sane. */
  String badQueueLimits(DeviceEntry e) {
    try {
      int max = e.device.vqNumMax();
      int min = e.device.vqNumMin();
      if (max < min) {
        return "device's max queue size " + max + " is below its min " + min;
      }
      return null;
    } catch (RuntimeException ex) {
      return "reading the device's queue limits threw " + describe(ex);
    }
  }

  /** A throwable in one phrase: its simple class name and message. */
  static String describe(Throwable t) {
    String msg = t.getMessage();
    String type = t.getClass().getSimpleName();
    return msg == null || msg.isBlank() ? type : type + ": " + msg;
  }
}
