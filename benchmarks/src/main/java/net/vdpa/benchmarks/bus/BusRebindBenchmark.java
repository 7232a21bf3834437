package net.vdpa.benchmarks.bus;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Letting go: {@code impl=bus} stops the bundle of the driver holding N devices and waits until
 * every device is removed from it, reset, and bound to the remaining driver. {@code impl=ds}, the
 * baseline: unregisters the N devices and waits until the DS component has unbound every one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(3)
public class BusRebindBenchmark {
  @Param({"1", "100", "1000", "10000"})
  public int devices;

  @Param({"bus", "ds"})
  public String impl;

  private OsgiHarness harness;
  private boolean bus;

  @Setup(Level.Trial)
  public void boot() throws Exception {
    bus = impl.equals("bus");
    harness = new OsgiHarness(bus ? OsgiHarness.Impl.BUS : OsgiHarness.Impl.DS, Files.createTempDirectory("vdpa-bench"));
  }

  @TearDown(Level.Trial)
  public void shutdown() throws Exception {
    harness.stop();
  }

  @Setup(Level.Iteration)
  public void bindAll() throws Exception {
    if (bus) {
      harness.drivers.get("primary").start();
    }
    harness.registerDevices(devices);
    harness.counters.get(bus ? "primary" : "baseline").await(devices, 120_000);
  }

  @Benchmark
  public int release() throws Exception {
    if (bus) {
      harness.drivers.get("primary").stop();
      harness.counters.get("secondary").await(devices, 120_000);
      return harness.counters.get("primary").held();
    }
    harness.unregisterDevices();
    harness.counters.get("baseline").await(0, 120_000);
    return 0;
  }

  @TearDown(Level.Iteration)
  public void clear() {
    harness.unregisterDevices();
    if (bus) {
      harness.counters.get("secondary").await(0, 120_000);
    }
  }
}
