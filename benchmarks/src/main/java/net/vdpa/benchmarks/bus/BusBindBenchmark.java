package net.vdpa.benchmarks.bus;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import net.vdpa.benchmarks.bus.fixture.Counter;
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
 * Binding: time from the first of N device registrations to the last device held by a driver.
 * {@code impl=bus}: the vDPA bus probes each device with the best driver. {@code impl=ds}: the
 * baseline, one DS component with a greedy dynamic multiple reference, binds each device.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(3)
public class BusBindBenchmark {
  @Param({"1", "100", "1000", "10000"})
  public int devices;

  @Param({"bus", "ds"})
  public String impl;

  private OsgiHarness harness;
  private Counter counter;

  @Setup(Level.Trial)
  public void boot() throws Exception {
    OsgiHarness.Impl i = OsgiHarness.Impl.valueOf(impl.toUpperCase());
    harness = new OsgiHarness(i, Files.createTempDirectory("vdpa-bench"));
    counter = harness.counters.get(i == OsgiHarness.Impl.BUS ? "primary" : "baseline");
  }

  @TearDown(Level.Trial)
  public void shutdown() throws Exception {
    harness.stop();
  }

  /** Registers N devices and returns once a driver holds every one of them. */
  @Benchmark
  public int bind() {
    harness.registerDevices(devices);
    counter.await(devices, 120_000);
    return counter.held();
  }

  @TearDown(Level.Iteration)
  public void unregister() {
    harness.unregisterDevices();
    counter.await(0, 120_000);
  }
}
