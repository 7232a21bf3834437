package net.vdpa.health;

import java.util.Locale;
import java.util.Optional;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.dto.DeviceDTO;
import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.Result;

/**
 * The judgement of the {@code vdpa} health check, one log entry per finding:
 *
 * <ul>
 *   <li>TEMPORARILY_UNAVAILABLE while the runtime is still coming up: a bundle to be started is not
 *       active, a project component is not up yet, a kept device whose management device is there
 *       is not on the bus yet, a device is being matched, probed or removed. These end on their own.</li>
 *   <li>CRITICAL: the bus is not running; a device has set DEVICE_NEEDS_RESET (it stopped a queue
 *       it could not trust, and only a reset brings it back).</li>
 *   <li>WARN: a kept device is on the bus but not bound (the reason the bus gives: autoprobe off, an
 *       override naming an absent driver...), or its management device is not there.</li>
 *   <li>OK otherwise, with one line counting the devices.</li>
 * </ul>
 *
 * The overall status is the worst entry's (Felix HC's order). Script mode (bundle
 * {@code net.vdpa.console}) runs its commands once no entry is TEMPORARILY_UNAVAILABLE: what is
 * left then will not change by waiting.
 */
final class VdpaHealth {
  private VdpaHealth() {}

  static Result check(HealthFacts f) {
    FormattingResultLog log = new FormattingResultLog();
    f.bundlesNotActive().forEach(b -> log.temporarilyUnavailable("bundle {} is not active", b));
    f.componentsPending().forEach(c -> log.temporarilyUnavailable("component {}", c));
    if (!f.busRunning()) {
      log.critical("the vDPA bus is not running");
      return new Result(log);
    }
    for (HealthFacts.Kept k : f.kept()) {
      Optional<DeviceDTO> d = f.devices().stream().filter(x -> x.name.equals(k.name())).findFirst();
      if (d.isEmpty()) {
        if (f.mgmtdevs().contains(k.mgmtdev())) {
          log.temporarilyUnavailable("kept device {} is not on the bus yet", k.name());
        } else {
          log.warn("kept device {} waits for management device {}", k.name(), k.mgmtdev());
        }
      } else if (d.get().state == DeviceDTO.State.UNBOUND) {
        log.warn("kept device {} is not bound: {}", k.name(), d.get().reason);
      }
    }
    int bound = 0;
    for (DeviceDTO d : f.devices()) {
      if (d.state.inTransition()) {
        log.temporarilyUnavailable("device {} is {}", d.name, d.state.name().toLowerCase(Locale.ROOT));
      }
      if (d.status >= 0 && (d.status & VirtioStatus.DEVICE_NEEDS_RESET) != 0) {
        log.critical("device {} needs a reset (DEVICE_NEEDS_RESET)", d.name);
      }
      bound += d.state == DeviceDTO.State.BOUND ? 1 : 0;
    }
    log.info("{} devices on the bus, {} bound, {} kept", f.devices().size(), bound, f.kept().size());
    return new Result(log);
  }
}
