package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.SpscArrayQueue;
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
 * Baseline: the ring's pattern through two JCTools {@link SpscArrayQueue}s of 256: the producer
 * takes a free buffer from the return queue, fills it with the payload and posts it; the consumer
 * copies the payload into its own buffer and returns the buffer.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JctoolsPairBenchmark {
  @Param({"64", "1500"})
  public int payload;

  SpscArrayQueue<ByteBuffer> post;
  SpscArrayQueue<ByteBuffer> back;
  byte[] source;
  ByteBuffer own;

  /** Builds both queues and 256 direct buffers, all free. */
  @Setup(Level.Trial)
  public void setUp() {
    post = new SpscArrayQueue<>(256);
    back = new SpscArrayQueue<>(256);
    for (int i = 0; i < 256; i++) {
      back.offer(ByteBuffer.allocateDirect(payload));
    }
    source = new byte[payload];
    own = ByteBuffer.allocateDirect(payload);
  }

  /** Producer: one free buffer, filled and posted. */
  @Benchmark
  @Group("jctools")
  @GroupThreads(1)
  public void producer() {
    final ByteBuffer b = back.poll();
    if (b != null) {
      b.put(0, source, 0, payload);
      post.offer(b);
    }
  }

  /** Consumer: one posted buffer, copied and returned. */
  @Benchmark
  @Group("jctools")
  @GroupThreads(1)
  public void consumer(Transfers t) {
    final ByteBuffer b = post.poll();
    if (b != null) {
      own.put(0, b, 0, payload);
      back.offer(b);
      t.transfers++;
    }
  }
}
