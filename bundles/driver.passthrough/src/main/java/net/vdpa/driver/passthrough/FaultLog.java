package net.vdpa.driver.passthrough;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.vdpa.api.passthrough.Access;
import net.vdpa.api.passthrough.IommuFault;

/**
 * The IOMMU faults recorded: a bounded history, oldest first, and a sink told of each one (the
 * driver posts an event and logs a line). Thread-safe: devices report from their own threads.
 */
final class FaultLog {
  /** How many faults are kept. */
  static final int CAPACITY = 256;

  private final Clock clock;
  private final Consumer<IommuFault> sink;
  /** Guarded by itself. */
  private final ArrayDeque<IommuFault> faults = new ArrayDeque<>();

  FaultLog(Clock clock, Consumer<IommuFault> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  void record(String device, long iova, boolean write, String reason) {
    IommuFault f = new IommuFault(clock.instant(), device, iova, write ? Access.WRITE : Access.READ, reason);
    synchronized (faults) {
      if (faults.size() == CAPACITY) {
        faults.removeFirst();
      }
      faults.addLast(f);
    }
    sink.accept(f);
  }

  List<IommuFault> list() {
    synchronized (faults) {
      return new ArrayList<>(faults);
    }
  }
}
