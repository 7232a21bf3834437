package net.vdpa.benchmarks.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
 * Baseline: the payload copied into an Agrona {@link OneToOneRingBuffer} sized for 256 messages and
 * copied out by the consumer into its own buffer.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AgronaRingBenchmark {
  @Param({"64", "1500"})
  public int payload;

  OneToOneRingBuffer ring;
  UnsafeBuffer source;
  Copier copier;

  /** Copies each message into the consumer's own buffer. */
  static final class Copier implements MessageHandler {
    final MutableDirectBuffer own;

    Copier(int size) {
      own = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
    }

    @Override
    public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
      own.putBytes(0, (DirectBuffer) buffer, index, length);
    }
  }

  /** Builds the ring buffer and the payload. */
  @Setup(Level.Trial)
  public void setUp() {
    int record = BitUtil.align(payload + 8, 8);
    int capacity = BitUtil.findNextPositivePowerOfTwo(record * 256);
    ring = new OneToOneRingBuffer(
        new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    source = new UnsafeBuffer(ByteBuffer.allocateDirect(payload));
    copier = new Copier(payload);
  }

  /** Producer: one message written (copied in). */
  @Benchmark
  @Group("agrona")
  @GroupThreads(1)
  public void producer() {
    ring.write(1, source, 0, payload);
  }

  /** Consumer: every waiting message copied out. */
  @Benchmark
  @Group("agrona")
  @GroupThreads(1)
  public void consumer(Transfers t) {
    t.transfers += ring.read(copier);
  }
}
