package net.vdpa.driver.vhost;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition that no event announces (another thread's memory, a file count), with a deadline. */
final class Await {
  private Await() {}

  static boolean until(BooleanSupplier condition, long timeoutMillis) {
    long end = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return condition.getAsBoolean();
      }
      LockSupport.parkNanos(1_000_000L);
    }
    return true;
  }
}
