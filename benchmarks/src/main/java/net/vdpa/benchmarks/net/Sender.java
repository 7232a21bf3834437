package net.vdpa.benchmarks.net;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetInterface.SendResult;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One sender thread and its queue pair (the thread's index in its JMH group): the frame it sends
 * and the counters JMH reports per second. {@code received} is what the figure is read from: the
 * frames that came back through the loopback on this thread's pair during the iteration.
 * Confined to its sender thread.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Sender {
  /** Frames the interface took ({@link SendResult#SENT}). */
  public long sent;
  /** Sends refused because the transmit ring was full ({@link SendResult#BUSY}). */
  public long busy;
  /** Frames delivered back to the receiver on this thread's pair (set at the end of the iteration). */
  public long received;

  /** Consecutive BUSY answers after which the device is taken for dead (seconds of retrying). */
  private static final int MAX_BUSY = 50_000_000;
  /** Frames taken per {@link NetInterface#poll} in {@code rx=poll}: two bursts, so a sender that fell behind catches up. */
  private static final int RX_BUDGET = 64;
  private static final boolean YIELD = Boolean.parseBoolean(System.getProperty("vdpa.bench.yield", "true"));

  private NetInterface iface;
  private RxCounters counters;
  private ByteBuffer frame;
  /** The burst handed to {@link NetInterface#send(int, ByteBuffer[], int, int)}: the frame, repeated. */
  private ByteBuffer[] burst;
  private int pair;
  private boolean reportsReceived;
  /** Whether this sender takes its pair's received frames itself ({@code rx=poll}). */
  private boolean polls;
  private long receivedBase;

  /**
   * Takes the thread's queue pair and builds its frame.
   *
   * @param bench the running interface
   * @param thread where this thread sits in its group
   */
  @Setup(Level.Trial)
  public void bind(NetInterfaceBenchmark bench, ThreadParams thread) {
    iface = bench.iface();
    counters = bench.counters();
    pair = thread.getSubgroupThreadIndex();
    // with -t above the group size several groups share each pair; the first one reports its frames
    reportsReceived = thread.getGroupIndex() == 0;
    frame = bench.newFrame(pair);
    polls = bench.polls();
    burst = new ByteBuffer[bench.burst];
    Arrays.fill(burst, frame);
  }

  /** Notes where the pair's receive count stands when the iteration starts. */
  @Setup(Level.Iteration)
  public void mark() {
    receivedBase = counters.received(pair);
  }

  /** Turns the pair's receive count into this iteration's figure. */
  @TearDown(Level.Iteration)
  public void count() {
    received = reportsReceived ? counters.received(pair) - receivedBase : 0;
  }

  /**
   * Sends one burst on this thread's pair, retrying while the transmit ring is full, so that one
   * benchmark operation is one burst handed to the interface (and {@code -prof gc}'s B/op is bytes
   * per burst). A burst of 1 uses {@link NetInterface#send(int, ByteBuffer)}, longer ones
   * {@link NetInterface#send(int, ByteBuffer[], int, int)}. A full ring yields the processor: on a
   * machine with fewer free cores than busy threads the device's worker needs it to drain the ring.
   *
   * @return the outcome
   */
  SendResult send() {
    final ByteBuffer[] b = burst;
    if (b.length == 1) {
      return sendOne();
    }
    int off = 0;
    int spins = 0;
    while (off < b.length) {
      final int n = iface.send(pair, b, off, b.length - off);
      if (n < 0) {
        refused(SendResult.DOWN);
      } else if (n == 0) {
        busy++;
        if (++spins == MAX_BUSY) {
          stuck();
        }
        if (!poll()) {
          pause();
        }
      } else {
        off += n;
        spins = 0;
      }
    }
    sent += b.length;
    poll();
    return SendResult.SENT;
  }

  /** In {@code rx=poll}: takes up to {@link #RX_BUDGET} received frames; whether there were any. */
  private boolean poll() {
    return polls && iface.poll(pair, counters, RX_BUDGET) > 0;
  }

  private void pause() {
    if (YIELD) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
  }

  private SendResult sendOne() {
    SendResult r;
    int spins = 0;
    while ((r = iface.send(pair, frame)) == SendResult.BUSY) {
      busy++;
      if (++spins == MAX_BUSY) {
        stuck();
      }
      if (!poll()) {
        pause();
      }
    }
    poll();
    if (r == SendResult.SENT) {
      sent++;
    } else {
      refused(r);
    }
    return r;
  }

  private void stuck() {
    throw new IllegalStateException("interface " + iface.name() + " answered BUSY " + MAX_BUSY
        + " times in a row on pair " + pair + ": is its device worker still running? " + iface.stats());
  }

  private void refused(SendResult r) {
    throw new IllegalStateException("interface " + iface.name() + " answered " + r + " to a " + frame.remaining()
        + "-byte frame on pair " + pair + ": " + iface.stats());
  }
}
