package net.vdpa.shell;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.pmd.Mbuf;
import net.vdpa.api.pmd.PmdPort;

/**
 * A traffic job over poll-mode ports: numbered frames out of one port, back in at another (or the
 * same one over a loopback wire), each checked; at most {@link #WINDOW} in flight so that the
 * receiving ring never overruns. The shell thread is the polling thread.
 */
final class PtTraffic {
  /** Frames in flight at most: half the port's receive ring. */
  static final int WINDOW = 128;
  /** How long a job waits without progress before it gives up. */
  static final long STALL_MS = 5_000;
  private static final int SEQ = 14;

  private final PmdPort from;
  private final PmdPort to;
  private final int size;
  private final int burst;
  long sent;
  long received;
  long changed;

  PtTraffic(PmdPort from, PmdPort to, int size, int burst) {
    this.from = from;
    this.to = to;
    this.size = size;
    this.burst = burst;
  }

  /**
   * Runs the job.
   *
   * @return null when every frame came back, else why the job stopped
   */
  String run(long count, PrintStream progress) {
    Mbuf[] tx = new Mbuf[burst];
    Mbuf[] rx = new Mbuf[burst];
    long start = System.nanoTime();
    long lastProgress = start;
    long nextReport = start + TimeUnit.SECONDS.toNanos(1);
    while (received < count) {
      boolean moved = false;
      long room = Math.min(count - sent, WINDOW - (sent - received));
      if (room > 0) {
        int want = (int) Math.min(burst, room);
        int got = 0;
        while (got < want) {
          Mbuf m = from.alloc();
          if (m == null) {
            break;
          }
          fill(m, sent + got);
          tx[got++] = m;
        }
        int took = from.txBurst(tx, got);
        for (int k = took; k < got; k++) {
          from.free(tx[k]);
        }
        sent += took;
        moved = took > 0;
      }
      int n = to.rxBurst(rx, burst);
      for (int k = 0; k < n; k++) {
        if (!intact(rx[k], received)) {
          changed++;
        }
        received++;
        to.free(rx[k]);
      }
      long now = System.nanoTime();
      if (moved || n > 0) {
        lastProgress = now;
      } else if (from.state() != PmdPort.State.RUNNING || to.state() != PmdPort.State.RUNNING) {
        PmdPort gone = from.state() != PmdPort.State.RUNNING ? from : to;
        return "the port on " + gone.device() + " was " + gone.state().name().toLowerCase()
            + " (its device was taken back from vfio_vdpa)";
      } else if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(STALL_MS)) {
        return "no frame moved for " + STALL_MS / 1000 + " s";
      }
      if (Thread.currentThread().isInterrupted()) {
        return "interrupted";
      }
      if (now > nextReport && progress != null) {
        progress.println("  sent " + sent + " received " + received);
        nextReport += TimeUnit.SECONDS.toNanos(1);
      }
    }
    return changed > 0 ? changed + " frames arrived changed" : null;
  }

  private void fill(Mbuf m, long seq) {
    ByteBuffer d = m.data();
    for (int i = 0; i < 6; i++) {
      d.put(i, (byte) 0xFF); // broadcast: every receive filter takes it
    }
    d.put(6, (byte) 0x02).put(7, (byte) 0).putInt(8, 0x7074_0001); // a locally administered source
    d.putShort(12, (short) 0x88b5);
    d.putLong(SEQ, seq);
    m.length(size);
  }

  private boolean intact(Mbuf m, long seq) {
    return m.length() == size && m.data().getLong(SEQ) == seq;
  }
}
