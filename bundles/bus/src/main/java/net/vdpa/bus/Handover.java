package net.vdpa.bus;

import static net.vdpa.bus.BusSink.props;

import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.State;

/**
 * Devices leaving their driver: {@link #release} takes a bound device from its driver (remove,
 * reset, unbound), and {@link #homecoming} decides, when a driver a device had to leave comes back,
 * whether the device goes back to it ({@link Homecoming} decides; this applies). Lane only.
 */
final class Handover {
  private final BusState state;
  private final BusSink sink;
  private final DriverCalls calls;
  private final ProbeSequence sequence;

  Handover(BusState state, BusSink sink, DriverCalls calls, ProbeSequence sequence) {
    this.state = state;
    this.sink = sink;
    this.calls = calls;
    this.sequence = sequence;
  }

  /**
   * Takes a bound device from its driver: remove, reset, unbound. Lane only.
   *
   * @param quiet true when a line at info level sums it up elsewhere (a move, a driver leaving)
   */
  void release(DeviceEntry e, String why, boolean quiet) {
    DriverEntry d;
    synchronized (state.lock) {
      if (e.state != State.BOUND) {
        return;
      }
      d = e.driver;
      e.state = State.REMOVING;
    }
    calls.remove(d, e);
    calls.reset(e);
    synchronized (state.lock) {
      d.devices.remove(e);
      e.driver = null;
      e.state = State.UNBOUND;
      e.reason = why;
      e.placement = null;
      e.stay = null;
      e.stayReason = null;
    }
    sink.post(VdpaEvents.DEVICE_UNBOUND, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
    String line = "device " + e.name + " unbound from driver " + d.name + ": " + why;
    if (quiet) {
      sink.debug(line);
    } else {
      sink.info(line);
    }
  }

  /**
   * The driver {@code back} returned while the device, which had to leave it, is bound elsewhere:
   * take it back there unless a user placed it or holds it (see {@link Homecoming}). Lane only.
   */
  void homecoming(DeviceEntry e, DriverEntry back) {
    DriverEntry holder;
    Placement placement;
    synchronized (state.lock) {
      if (e.gone || state.closed || back.gone || e.state != State.BOUND || !back.name.equals(e.displacedFrom)) {
        return;
      }
      holder = e.driver;
      placement = e.placement;
    }
    Candidates.Scored mine = calls.score(back, e);
    Candidates.Scored theirs = calls.score(holder, e);
    boolean better = Candidates.autoprobes(mine) && Candidates.ORDER.compare(mine, theirs) < 0;
    Homecoming.Decision decision = Homecoming.decide(placement, holder.name, back.name, better,
        () -> calls.busy(holder, e));
    if (decision instanceof Homecoming.GoBack) {
      String why = "driver " + back.name + " came back";
      release(e, why, true);
      sequence.reconcile(e, false, new ProbeSequence.Move(holder.name, why));
    } else if (decision instanceof Homecoming.Stays stays) {
      synchronized (state.lock) {
        e.stay = stays.stay();
        e.stayReason = stays.words();
      }
      sink.post(VdpaEvents.DEVICE_STAYS, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, holder.name,
          VdpaEvents.FROM, back.name, VdpaEvents.STAY, stays.stay().name(), VdpaEvents.REASON, stays.words()));
      sink.info("device " + e.name + " stays on driver " + holder.name + " although driver " + back.name
          + " is back: " + stays.words());
    } else {
      synchronized (state.lock) {
        e.displacedFrom = null; // the holder fits at least as well now: this is where it belongs
      }
      // nothing for the log; an event so that whoever waits for the bus to decide knows it has
      sink.post(VdpaEvents.DEVICE_SETTLED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, holder.name,
          VdpaEvents.FROM, back.name));
    }
  }
}
