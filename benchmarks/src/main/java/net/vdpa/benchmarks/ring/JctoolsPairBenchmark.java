package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Baseline: the ring's work done with two JCTools {@link SpscArrayQueue}s of 256, tuned as a fair
 * Java hand-off would be. Payload slots live in one page-aligned {@link Slab} (a slot per cache line
 * or more); the producer takes slots from a private free stack and, only when fewer than 32 are
 * free, refills the stack from the return queue in one go (a poll-mode driver's reclaim threshold);
 * it copies the template into the slot, stamps a sequence number and posts the slot. The consumer
 * copies the payload out into its own buffer and returns the slot. Counted: payloads the consumer
 * copied ({@link Transfers}).
 *
 * <p>Producer and consumer state sit in separate padded objects so that neither thread's private
 * fields share a cache line with the other's.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class JctoolsPairBenchmark {
  /** Below this many free slots the producer drains the return queue. */
  static final int RECLAIM_BELOW = 32;

  @Param({"64", "1500"})
  public int payload;

  SpscArrayQueue<Slot> post;
  SpscArrayQueue<Slot> back;
  Producer producer;
  Consumer consumer;

  /** One payload slot: where it starts in the slab. Carried by reference through both queues. */
  static final class Slot {
    final int offset;

    Slot(int offset) {
      this.offset = offset;
    }
  }

  /** Keeps the fields of the subclasses off the cache lines of whatever the JVM places before. */
  abstract static class PadBefore {
    long b0;
    long b1;
    long b2;
    long b3;
    long b4;
    long b5;
    long b6;
    long b7;
  }

  /** Producer thread only. */
  static final class Producer extends PadBefore {
    Slot[] free;
    int freeCount;
    long seq;
    ByteBuffer slab;
    ByteBuffer template;
    long a0;
    long a1;
    long a2;
    long a3;
    long a4;
    long a5;
    long a6;
    long a7;
  }

  /** Consumer thread only. */
  static final class Consumer extends PadBefore {
    ByteBuffer slab;
    ByteBuffer own;
    long a0;
    long a1;
    long a2;
    long a3;
    long a4;
    long a5;
    long a6;
    long a7;
  }

  /** Builds both queues, the slab and its 256 slots, all free. */
  @Setup(Level.Trial)
  public void setUp() {
    post = new SpscArrayQueue<>(Slab.SLOTS);
    back = new SpscArrayQueue<>(Slab.SLOTS);
    ByteBuffer slab = Slab.allocate(payload);
    int stride = Slab.stride(payload);
    producer = new Producer();
    producer.slab = slab.duplicate();
    producer.template = Slab.template(payload);
    producer.free = new Slot[Slab.SLOTS];
    for (int i = 0; i < Slab.SLOTS; i++) {
      producer.free[i] = new Slot(i * stride);
    }
    producer.freeCount = Slab.SLOTS;
    consumer = new Consumer();
    consumer.slab = slab.duplicate();
    consumer.own = Slab.own(payload);
  }

  /** Producer: one free slot filled, stamped and posted. */
  @Benchmark
  @Group("jctools")
  @GroupThreads(1)
  public void producer(Posts c) {
    final Producer p = producer;
    int n = p.freeCount;
    if (n < RECLAIM_BELOW) {
      n = reclaim(p, n);
      if (n == 0) {
        c.full++;
        return;
      }
    }
    final Slot s = p.free[--n];
    p.freeCount = n;
    p.slab.put(s.offset, p.template, 0, payload);
    p.slab.putLong(s.offset, p.seq++);
    post.offer(s); // cannot fail: there are only as many slots as the queue holds
    c.posted++;
  }

  private int reclaim(final Producer p, int n) {
    Slot s;
    while ((s = back.relaxedPoll()) != null) {
      p.free[n++] = s;
    }
    p.freeCount = n;
    return n;
  }

  /** Consumer: one posted slot copied out and returned. */
  @Benchmark
  @Group("jctools")
  @GroupThreads(1)
  public void consumer(Transfers t) {
    final Slot s = post.relaxedPoll();
    if (s == null) {
      return;
    }
    final Consumer c = consumer;
    c.own.put(0, c.slab, s.offset, payload);
    back.offer(s);
    t.transfers++;
  }
}
