package net.vdpa.bus;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import net.vdpa.api.dto.DeviceDTO;

/** Waits in bus unit tests: for a condition the bus's lanes make true, with a deadline. */
final class BusAwait {
  private BusAwait() {}

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  static void awaitBound(BusCore bus, String device, String driver) {
    eventually(device + " bound to " + driver, () -> {
      DeviceDTO d = bus.device(device).orElseThrow();
      return d.state == DeviceDTO.State.BOUND && driver.equals(d.driver);
    });
  }
}
