package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
 * Baseline: the payload written into an Agrona {@link OneToOneRingBuffer} with room for 256 records
 * (copy in, with a sequence stamp in its first 8 bytes) and copied out by the consumer into its own
 * buffer. The consumer reads every waiting record per call; counted: records the consumer copied.
 * Agrona runs as it is usually deployed: bounds checks off.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-Dagrona.disable.bounds.checks=true",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AgronaRingBenchmark {
  @Param({"64", "1500"})
  public int payload;

  OneToOneRingBuffer ring;
  UnsafeBuffer source;
  Copier copier;
  long seq;

  /** Copies each record into the consumer's own buffer. */
  static final class Copier implements MessageHandler {
    final MutableDirectBuffer own;

    Copier(int size) {
      own = new UnsafeBuffer(Slab.own(size));
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
      buffer.getBytes(index, own, 0, length);
    }
  }

  /** Builds the ring buffer, the template and the consumer's buffer. */
  @Setup(Level.Trial)
  public void setUp() {
    int record = BitUtil.align(payload + 8, 8); // Agrona's 8-byte record header, 8-byte aligned
    int capacity = BitUtil.findNextPositivePowerOfTwo(record * Slab.SLOTS);
    ring = new OneToOneRingBuffer(
        new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    source = new UnsafeBuffer(Slab.template(payload));
    copier = new Copier(payload);
  }

  /** Producer: one record stamped and written (copied in), if there is room. */
  @Benchmark
  @Group("agrona")
  @GroupThreads(1)
  public void producer(Posts c) {
    source.putLong(0, seq);
    if (ring.write(1, source, 0, payload)) {
      seq++;
      c.posted++;
    } else {
      c.full++;
    }
  }

  /** Consumer: every waiting record copied out. */
  @Benchmark
  @Group("agrona")
  @GroupThreads(1)
  public void consumer(Transfers t) {
    t.transfers += ring.read(copier);
  }
}
