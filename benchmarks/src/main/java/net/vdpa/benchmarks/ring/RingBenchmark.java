package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;
import net.vdpa.ring.DriverQueue;
import net.vdpa.ring.mem.MemoryRegion;
import net.vdpa.ring.testing.MockDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A driver thread and a device thread moving payloads through one virtqueue of 256 descriptors:
 * the driver copies each payload into a DMA buffer and makes it available, the device copies it into
 * its own buffer and returns it used, the driver reaps it. {@code batch} is how many buffers each
 * side handles per index publication (1: every descriptor is published on its own). The reported
 * figure is {@code transfers}: payloads copied by the device per second.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RingBenchmark {
  static final int SIZE = 256;

  @Param({"split", "packed"})
  public String ring;

  @Param({"64", "1500"})
  public int payload;

  @Param({"1", "32"})
  public int batch;

  // driver thread only; what it writes lives in its own object, away from the device's fields
  DriverQueue driver;
  MemoryRegion memory;
  long[] bufferIova;
  long[] bufferOffset;
  byte[] source;
  long[] sent;

  // device thread only
  DeviceQueue device;
  DescriptorChain chain;
  ByteBuffer own;

  /** Builds the queue, its memory and the buffers. */
  @Setup(Level.Trial)
  public void setUp() {
    MockDriver m = "packed".equals(ring)
        ? MockDriver.packed(SIZE, 0, 8L << 20)
        : MockDriver.split(SIZE, 0, 8L << 20);
    driver = m.queue();
    memory = m.memory();
    bufferIova = new long[SIZE];
    bufferOffset = new long[SIZE];
    for (int i = 0; i < SIZE; i++) {
      bufferIova[i] = m.dma().allocate(payload, 64);
      bufferOffset[i] = m.dma().offsetOf(bufferIova[i]);
    }
    sent = new long[16];
    source = new byte[payload];
    for (int i = 0; i < payload; i++) {
      source[i] = (byte) i;
    }
    device = m.newDevice();
    chain = new DescriptorChain(SIZE);
    own = ByteBuffer.allocateDirect(payload);
  }

  /** Driver: reap what came back, then fill and add up to {@code batch} buffers and publish once. */
  @Benchmark
  @Group("ring")
  @GroupThreads(1)
  public void driver() {
    final DriverQueue q = driver;
    while (q.pollUsed() != DriverQueue.EMPTY) {
      // the buffer is free again; its slot is reused in send order
    }
    final int len = payload;
    long s = sent[8];
    for (int k = 0; k < batch && q.freeDescriptors() > 0; k++) {
      final int slot = (int) (s & (SIZE - 1));
      memory.put(bufferOffset[slot], source, 0, len);
      q.add(bufferIova[slot], len, false);
      s++;
    }
    sent[8] = s;
    q.publish();
  }

  /** Device: pop up to {@code batch} chains, copy each payload, push it used, publish once. */
  @Benchmark
  @Group("ring")
  @GroupThreads(1)
  public void device(Transfers t) {
    final DeviceQueue d = device;
    final DescriptorChain c = chain;
    int n = 0;
    while (n < batch && d.pop(c)) {
      c.readTo(own, 0, payload);
      d.push(c.id(), 0);
      n++;
    }
    if (n > 0) {
      d.publish();
      t.transfers += n;
    }
  }
}
