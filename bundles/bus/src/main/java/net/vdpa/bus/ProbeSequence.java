package net.vdpa.bus;

import static net.vdpa.bus.BusSink.props;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaEvents;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.State;

/**
 * The probe sequence: matches an idle device against the drivers present and probes the candidates
 * best first until one takes it ({@link Candidates} orders them). Runs on the device's lane.
 *
 * <p><b>The watchdog.</b> Each probe has a deadline ({@link BusState#probeTimeoutMillis}). When it
 * passes, the {@link ProbeWatchdog} detaches the lane from the stuck thread, records the failure
 * and resumes the sequence with the next candidate on a fresh thread ({@link #probeTimedOut}); the
 * pool gets a replacement thread meanwhile. If the stuck probe returns later and succeeded, its
 * driver is told to remove the device again ({@link #lateReturn}).
 *
 * <p>While candidates are tried the device is {@link State#PROBING}; the sequence ends with it
 * {@link State#BOUND} (a {@code BOUND} event, or {@code MOVED} too) or {@link State#UNBOUND} (a
 * {@code SETTLED} event when that says something new to a reader: its first matching, another
 * reason, or the end of a queued matching during which it was shown {@code NEW}), so a caller can
 * wait on events.
 */
final class ProbeSequence {

  /**
   * A device leaving one driver for another without a user asking: logged as one line and posted
   * as {@link VdpaEvents#DEVICE_MOVED} when the other driver has it.
   *
   * @param from the driver it leaves
   * @param why why, for the log and the event
   */
  record Move(String from, String why) {}

  private final BusState state;
  private final BusSink sink;
  private final DriverCalls calls;
  private final ProbeWatchdog watchdog;
  private final LanePool pool;

  ProbeSequence(BusState state, BusSink sink, DriverCalls calls, ProbeWatchdog watchdog, LanePool pool) {
    this.state = state;
    this.sink = sink;
    this.calls = calls;
    this.watchdog = watchdog;
    this.pool = pool;
  }

  /**
   * Matches an idle (or new) device and probes candidates in order until one takes it. Lane only.
   *
   * @param explicit true for an explicit request (probe, override): ignores autoprobe
   * @param move set when the device just left a driver without a user asking, else null
   */
  void reconcile(DeviceEntry e, boolean explicit, Move move) {
    String override;
    String off = null;
    synchronized (state.lock) {
      if (e.gone || state.closed || e.device == null || (e.state != State.UNBOUND && e.state != State.NEW)) {
        return;
      }
      if (!explicit) {
        if (e.held) {
          return;
        }
        if (!state.autoprobe || !e.autoprobe) {
          off = state.autoprobe ? "autoprobe is off for this device" : "autoprobe is off for the bus";
        }
      }
      if (off == null) {
        e.held = false;
      }
      override = e.override;
    }
    if (off != null) {
      settle(e, off);
      return;
    }
    probeCandidates(e, override, null, move);
  }

  /**
   * Scores the drivers present (or only {@code only}) and tries them best first. Lane only.
   *
   * @param override the device's override, or null
   * @param only the driver a bind names, or null
   * @param move set when the device just left a driver without a user asking, else null
   */
  void probeCandidates(DeviceEntry e, String override, String only, Move move) {
    String bad = calls.badQueueLimits(e);
    if (bad != null) {
      settle(e, bad);
      return;
    }
    String named = only != null ? only : override;
    List<Candidates.Scored> scored = score(e, only);
    List<Candidates.Scored> order = Candidates.rank(scored, named);
    if (order.isEmpty()) {
      String why = Candidates.whyNone(scored, named);
      String displaced;
      synchronized (state.lock) {
        displaced = e.displacedFrom;
      }
      settle(e, named == null && displaced != null ? "waiting for driver " + displaced + " to come back; " + why : why);
      return;
    }
    tryCandidates(e, order, 0, new StringBuilder(), Candidates.placement(named, only != null), move);
  }

  private List<Candidates.Scored> score(DeviceEntry e, String only) {
    DriverEntry[] ds = state.drivers();
    List<Candidates.Scored> scored = new ArrayList<>(ds.length);
    for (DriverEntry d : ds) {
      if (!d.gone && (only == null || only.equals(d.name))) {
        scored.add(calls.score(d, e));
      }
    }
    return scored;
  }

  /** Probes {@code order[from..]} until one takes the device. Lane only; may move to another thread. */
  private void tryCandidates(DeviceEntry e, List<Candidates.Scored> order, int from, StringBuilder failures,
      Placement how, Move move) {
    for (int i = from; i < order.size(); i++) {
      DriverEntry d = order.get(i).driver();
      int score = order.get(i).score();
      synchronized (state.lock) {
        if (e.gone || state.closed) {
          if (e.state == State.PROBING) {
            e.state = State.UNBOUND; // it is leaving the bus, or the bus is stopping: no event for it
            e.driver = null;
          }
          return;
        }
        if (d.gone) {
          continue;
        }
        e.state = State.PROBING;
        e.driver = d;
        e.score = score;
      }
      // asked with the device PROBING by d, so a driver that starts a refusing use after answering sees d
      String refused = calls.refusal(state.drivers(), d, e);
      if (refused != null) {
        failures.append("; ").append(d.name).append(": ").append(refused);
        failed(e, "probe failed: " + failures.substring(2));
        sink.post(VdpaEvents.PROBE_FAILED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, refused));
        sink.info("probe of device " + e.name + " by driver " + d.name + " " + refused);
        continue;
      }
      int next = i + 1;
      long timeout = state.probeTimeoutMillis;
      ProbeWatchdog.Attempt attempt = watchdog.start(timeout, e.lane::detach,
          () -> probeTimedOut(e, d, timeout, order, next, failures, how, move));
      Throwable error = null;
      try {
        d.driver.probe(e.device);
      } catch (VirtualMachineError vme) {
        throw vme;
      } catch (Throwable t) {
        error = t;
      }
      if (!watchdog.end(attempt)) {
        lateReturn(e, d, error == null);
        return;
      }
      if (error == null) {
        if (bound(e, d, how, move)) {
          return;
        }
        // the driver or the device left while the probe ran: let go at once
        calls.remove(d, e);
        calls.reset(e);
        failures.append("; ").append(d.name).append(": left during probe");
        failed(e, "probe abandoned: " + failures.substring(2));
      } else {
        String why = DriverCalls.describe(error);
        failures.append("; ").append(d.name).append(": ").append(why);
        calls.reset(e);
        failed(e, "probe failed: " + failures.substring(2));
        sink.post(VdpaEvents.PROBE_FAILED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
        sink.warn("probe of device " + e.name + " by driver " + d.name + " failed: " + why);
      }
    }
    String why;
    synchronized (state.lock) {
      if (e.state == State.PROBING) {
        why = e.reason;
      } else if (e.state == State.NEW) {
        why = "its candidate drivers left before they were asked";
      } else {
        return; // no candidate was left to try; it is as it was
      }
    }
    settle(e, why);
  }

  /** A probe returned in time and succeeded: the device is bound, unless it or the driver left. */
  private boolean bound(DeviceEntry e, DriverEntry d, Placement how, Move move) {
    synchronized (state.lock) {
      if (d.gone || e.gone || state.closed) {
        return false;
      }
      e.state = State.BOUND;
      e.matched = true;
      e.reason = null;
      e.placement = how;
      e.stay = null;
      e.stayReason = null;
      if (d.name.equals(e.displacedFrom)) {
        e.displacedFrom = null; // back where it belongs
      }
      d.devices.add(e);
    }
    sink.post(VdpaEvents.DEVICE_BOUND, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name));
    if (move != null && !move.from().equals(d.name)) {
      sink.post(VdpaEvents.DEVICE_MOVED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name,
          VdpaEvents.FROM, move.from(), VdpaEvents.REASON, move.why()));
      sink.info("device " + e.name + " moved from driver " + move.from() + " to driver " + d.name + ": " + move.why());
    } else {
      sink.info("device " + e.name + " bound to driver " + d.name);
    }
    return true;
  }

  /** A candidate failed: the device stays {@link State#PROBING} while the next one is tried. */
  private void failed(DeviceEntry e, String why) {
    synchronized (state.lock) {
      e.driver = null;
      e.reason = why;
    }
  }

  /** Watchdog thread: a probe passed its deadline. Record it and go on with the next candidate. */
  private void probeTimedOut(DeviceEntry e, DriverEntry d, long timeout, List<Candidates.Scored> order, int next,
      StringBuilder failures, Placement how, Move move) {
    pool.lostThread();
    synchronized (state.lock) {
      if (e.runningMatch != null) {
        // the stuck thread holds this queued matching and may never return to end its count
        e.runningMatch = null;
        e.queuedMatches = Math.max(0, e.queuedMatches - 1);
      }
    }
    String why = "probe timed out after " + timeout + " ms";
    failures.append("; ").append(d.name).append(": ").append(why);
    failed(e, "probe failed: " + failures.substring(2));
    sink.post(VdpaEvents.PROBE_FAILED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.DRIVER, d.name, VdpaEvents.REASON, why));
    sink.warn("probe of device " + e.name + " by driver " + d.name + " " + why + "; trying the next driver");
    e.lane.resumeWith(() -> tryCandidates(e, order, next, failures, how, move));
  }

  /** The thread of a timed-out probe came back. If the probe succeeded, the driver must let go. */
  private void lateReturn(DeviceEntry e, DriverEntry d, boolean succeeded) {
    pool.regainedThread();
    if (!succeeded) {
      return;
    }
    e.lane.submit(() -> {
      calls.remove(d, e);
      boolean idle;
      synchronized (state.lock) {
        idle = e.driver == null && !e.gone;
      }
      if (idle) {
        calls.reset(e);
      }
      sink.warn("driver " + d.name + " returned from a timed-out probe of device " + e.name + "; it was told to remove it");
    });
  }

  /**
   * Queues {@code matching} of {@code e} on its lane, counted until it ends (the device is shown
   * {@code NEW} meanwhile, see {@link BusState#queueMatch}). Caller holds lock; it runs the returned
   * submission once it has let go of the lock.
   */
  Runnable queueMatch(DeviceEntry e, Runnable matching) {
    return state.queueMatch(e, matching, () -> {
      String why;
      synchronized (state.lock) {
        why = e.state == State.UNBOUND && !e.gone ? e.reason : null;
      }
      if (why != null) {
        // it ended without settling, and only now is it shown unbound: a reader waiting on events must hear it
        sink.post(VdpaEvents.DEVICE_SETTLED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.REASON, why));
      }
    });
  }

  /** The matching ended with the device unbound for {@code why}: say so if that is news. */
  void settle(DeviceEntry e, String why) {
    if (state.settleUnbound(e, why)) {
      sink.post(VdpaEvents.DEVICE_SETTLED, props(VdpaEvents.DEVICE, e.name, VdpaEvents.REASON, why));
    }
  }
}
