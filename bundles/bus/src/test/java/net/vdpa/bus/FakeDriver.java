package net.vdpa.bus;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntFunction;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.VirtioStatus;

/** A driver with a chosen score and probe behaviour that records what the bus asked of it. */
final class FakeDriver implements VdpaDriver {
  enum Probe { OK, THROW, HANG, SLEEP }

  final String name;
  final ToIntFunction<VdpaDevice> score;
  volatile Probe probe = Probe.OK;
  /** Released to let hanging probes return (successfully). */
  final CountDownLatch release = new CountDownLatch(1);
  final Set<String> held = ConcurrentHashMap.newKeySet();
  final List<String> calls = new CopyOnWriteArrayList<>();
  /** What {@link #busy} answers: null for not busy. */
  volatile String busy;
  /** What {@link #refuses} answers per device name (absent: no refusal). */
  final Map<String, String> refusing = new ConcurrentHashMap<>();
  /** The {@link #refuses} questions asked, as {@code "DEVICE to DRIVER"} (apart from {@link #calls}). */
  final List<String> refusalsAsked = new CopyOnWriteArrayList<>();
  /** Called on each {@link #refuses} question, before it is answered (null: nothing). */
  volatile Runnable onRefusesAsked;

  FakeDriver(String name, int score) {
    this(name, d -> score);
  }

  FakeDriver(String name, ToIntFunction<VdpaDevice> score) {
    this.name = name;
    this.score = score;
  }

  @Override public String name() { return name; }

  @Override public int match(VdpaDevice device) { return score.applyAsInt(device); }

  @Override
  public void probe(VdpaDevice device) throws Exception {
    calls.add("probe " + device.name());
    switch (probe) {
      case THROW -> throw new IllegalStateException("device lacks VERSION_1");
      case HANG -> {
        // ignores interrupts, like a badly written driver
        boolean done = false;
        while (!done) {
          try {
            release.await();
            done = true;
          } catch (InterruptedException e) {
            calls.add("interrupted " + device.name());
          }
        }
      }
      case SLEEP -> Thread.sleep(60_000); // returns at once when interrupted
      default -> { }
    }
    device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK | VirtioStatus.DRIVER_OK);
    held.add(device.name());
  }

  @Override
  public Optional<String> busy(VdpaDevice device) {
    calls.add("busy " + device.name());
    return Optional.ofNullable(busy);
  }

  @Override
  public Optional<String> refuses(VdpaDevice device, String driver) {
    refusalsAsked.add(device.name() + " to " + driver);
    Runnable hook = onRefusesAsked;
    if (hook != null) {
      hook.run();
    }
    return Optional.ofNullable(refusing.get(device.name()));
  }

  @Override
  public void remove(VdpaDevice device) {
    calls.add("remove " + device.name() + " status=" + device.status());
    held.remove(device.name());
  }
}
