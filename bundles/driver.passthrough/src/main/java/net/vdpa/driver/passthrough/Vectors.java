package net.vdpa.driver.passthrough;

import net.vdpa.api.passthrough.IrqHandler;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;

/**
 * The MSI-X-like vector table of a handle: a handler, a mask bit and a pending bit per vector. A
 * masked vector that fires sets its pending bit and fires once on unmask. Thread-safe (device
 * threads fire, the user sets and masks).
 */
final class Vectors {
  private final IrqHandler[] handlers;
  private final boolean[] masked;
  private final boolean[] pending;

  Vectors(int count) {
    handlers = new IrqHandler[count];
    masked = new boolean[count];
    pending = new boolean[count];
  }

  int count() {
    return handlers.length;
  }

  synchronized void set(int vector, IrqHandler handler) {
    handlers[check(vector)] = handler;
  }

  void mask(int vector, boolean mask) {
    IrqHandler deliver = null;
    synchronized (this) {
      check(vector);
      masked[vector] = mask;
      if (!mask && pending[vector]) {
        pending[vector] = false;
        deliver = handlers[vector];
      }
    }
    if (deliver != null) {
      deliver.interrupt(vector);
    }
  }

  /** Fires a vector (device thread); the handler runs outside the lock. */
  void fire(int vector) {
    IrqHandler h;
    synchronized (this) {
      if (vector < 0 || vector >= handlers.length) {
        return;
      }
      if (masked[vector]) {
        pending[vector] = true;
        return;
      }
      h = handlers[vector];
    }
    if (h != null) {
      h.interrupt(vector);
    }
  }

  synchronized boolean pending(int vector) {
    return pending[check(vector)];
  }

  synchronized void clear() {
    java.util.Arrays.fill(handlers, null);
    java.util.Arrays.fill(masked, false);
    java.util.Arrays.fill(pending, false);
  }

  private int check(int vector) {
    if (vector < 0 || vector >= handlers.length) {
      throw new VfioException(VfioError.INVALID, "irq vector " + vector + " is not below " + handlers.length);
    }
    return vector;
  }
}
