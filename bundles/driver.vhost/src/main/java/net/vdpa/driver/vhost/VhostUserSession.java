package net.vdpa.driver.vhost;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.function.Consumer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.unix.Fds;
import net.vdpa.unix.UnixChannel;

/**
 * One vhost-user frontend connection driving one device. The frontend's requests update a shadow
 * of the rings ({@link VringState}) and the memory table; after each request {@link #reconcile()}
 * decides whether the device should run and with which rings, and (re)programs it: reset, features,
 * DMA map of every region at its guest-physical address, rings at their translated addresses and
 * saved bases, DRIVER_OK. So frontends may send requests in any order the specification allows.
 *
 * <p>A protocol error (malformed request, wrong state, bad address) is answered with an error when
 * a reply was asked for, logged with its reason, and ends the connection; the device is reset.
 *
 * <p>Deadlines: a frontend must send SET_OWNER within the handshake timeout; a begun message must
 * arrive whole, and a reply be read, within the message timeout. Whether a frontend is idle is told
 * by its kicks and by buffers moving on its rings, never by control messages, which cost it nothing.
 *
 * <p>Threads: {@link #run()} is the connection's thread; {@link #revoke(String)} may come from any
 * thread: it shuts the socket down first (which wakes the reader and any blocked reply) and then
 * tears down under the session's monitor, which guards every field. The socket is closed by the
 * connection's thread when it leaves.
 */
final class VhostUserSession implements Runnable {
  private static final long PROTOCOL_FEATURES = 1L << Message.F_PROTOCOL_FEATURES;
  /** The protocol features implemented; CONFIG is offered only when the settings ask for it. */
  static final long PROTOCOL_IMPLEMENTED =
      bits(Message.PF_MQ, Message.PF_REPLY_ACK, Message.PF_CONFIG, Message.PF_STATUS);

  private final VdpaDevice device;
  private final Connection conn;
  private final EventLog log;
  private final String who;
  private final Consumer<VhostUserSession> onEnd;
  private final Message msg;
  private final VringState[] rings;
  private final long offered;
  private final Settings settings;
  private final RequestHandler handler;
  private final DeviceRunner runner;
  private final long connectedAt = System.nanoTime();
  /** When the current handshake began: at connect, and again at RESET_OWNER; guarded by {@code this}. */
  private long handshakeStart = connectedAt;
  /** Buffers the device took from started rings, summed over samples; guarded by {@code this}. */
  private long progress;
  /** When the frontend last kicked or moved a buffer; any thread reads it. */
  private volatile long lastActivity = connectedAt;
  /** The activity total at the last sample; guarded by {@code this}. */
  private long lastActivityTotal;
  /** When activity was last sampled; connection thread. */
  private long lastSample = connectedAt;
  /** What the device counted for this connection across its resets; guarded by {@code this}. */
  private final ConnectionCounters counters = new ConnectionCounters();
  private boolean ended;
  private String endReason;
  /** The connection's totals once it ended; guarded by {@code this}. */
  private ConnectionStats finalStats;

  /**
   * A session; {@link #run()} serves it.
   *
   * @param device the device, which this session owns
   * @param conn the connection
   * @param log where events go
   * @param who the frontend's name for log lines
   * @param settings deadlines and memory policy
   * @param runtimeUid the runtime's user id
   * @param onEnd called once by the connection's thread when the session has ended: the device is
   *     reset, the memory unmapped and the socket closed
   */
  VhostUserSession(VdpaDevice device, Connection conn, EventLog log, String who, Settings settings, int runtimeUid,
      Consumer<VhostUserSession> onEnd) {
    this.device = device;
    this.conn = conn;
    this.log = log;
    this.who = who;
    this.onEnd = onEnd;
    this.msg = conn.message();
    this.settings = settings;
    // a network device's queue pairs as the frontend sees them (its max_virtqueue_pairs with MQ),
    // a block device's request queues
    VhostKind kind = VhostKind.of(device);
    int queueNum = kind.queueNum(device);
    int n = kind.rings(device);
    this.rings = new VringState[n];
    for (int i = 0; i < n; i++) {
      rings[i] = new VringState(i);
    }
    this.offered = (device.deviceFeatures() & kind.passedFeatures(device)) | PROTOCOL_FEATURES;
    long protocolOffered = settings.offerConfig() || kind.needsConfig() ? PROTOCOL_IMPLEMENTED
        : PROTOCOL_IMPLEMENTED & ~(1L << Message.PF_CONFIG);
    this.runner = new DeviceRunner(device, kind, rings, queueNum, log, who, counters, conn::shutdown);
    this.handler = new RequestHandler(device, conn, log, who, rings, runner,
        new MemoryPolicy(runtimeUid, conn.peer().uid(), settings.strictMemory()), offered, protocolOffered, queueNum,
        () -> handshakeStart = System.nanoTime());
  }

  private static long bits(int... bits) {
    long v = 0;
    for (int b : bits) {
      v |= 1L << b;
    }
    return v;
  }

  /**
   * The features offered to frontends for a device.
   *
   * @return feature bits, PROTOCOL_FEATURES included
   */
  long offeredFeatures() {
    return offered;
  }

  /**
   * The frontend's name for log lines.
   *
   * @return {@code vhost-user frontend pid N uid U}
   */
  String who() {
    return who;
  }

  @Override
  public void run() {
    String reason = "frontend closed the connection";
    try {
      while (true) {
        if (!awaitMessage()) {
          continue;
        }
        if (!conn.read()) {
          break;
        }
        synchronized (this) {
          if (ended) {
            reason = endReason;
            break;
          }
          try {
            handle();
          } finally {
            Fds.closeAll(msg.fds);
            msg.fds = UnixChannel.NO_FDS;
          }
        }
      }
    } catch (ProtocolException e) {
      reason = "protocol error: " + e.getMessage();
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } catch (InterruptedIOException e) {
      reason = e.getMessage();
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } catch (IOException e) {
      synchronized (this) {
        reason = ended ? endReason : "connection failed: " + e.getMessage();
      }
    } catch (RuntimeException e) {
      reason = "backend failed on " + msg + ": " + e;
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } finally {
      end(reason);
      Fds.closeAll(msg.fds);
      msg.fds = UnixChannel.NO_FDS;
      conn.close();
      // last: the device is reset, its memory unmapped and every descriptor closed
      onEnd.accept(this);
    }
  }

  /**
   * Waits up to a second for the next message, keeping the handshake deadline and sampling
   * activity meanwhile.
   *
   * @return true if a message (or the end of stream) is there
   * @throws ProtocolException if the handshake deadline passed
   * @throws IOException if the socket was shut down
   */
  private boolean awaitMessage() throws IOException, ProtocolException {
    long now = System.nanoTime();
    int wait = 1000;
    boolean handshakeDone;
    long since;
    synchronized (this) {
      handshakeDone = handler.owner();
      since = handshakeStart;
    }
    if (!handshakeDone) {
      long left = settings.handshakeMillis() - (now - since) / 1_000_000L;
      if (left <= 0) {
        throw new ProtocolException("no SET_OWNER within " + settings.handshakeMillis()
            + " ms of connecting (handshake_timeout_ms)");
      }
      wait = (int) Math.min(wait, left);
    }
    if (now - lastSample >= 1_000_000_000L) {
      lastSample = now;
      sampleActivity();
    }
    return conn.awaitMessage(wait);
  }

  /** Notes the time if the frontend kicked or buffers moved since the last sample. */
  private synchronized void sampleActivity() {
    if (ended) {
      return;
    }
    long total = 0;
    for (VringState r : rings) {
      total += r.notifications();
      if (r.kick != null) {
        total += r.kick.kicks();
      }
      if (r.started) {
        // what the device took since the last sample; a new base set by a control message is not progress
        // a packed ring's index wraps at its size: a whole lap between samples looks like none,
        // which only delays noticing activity (kicks count too)
        int avail = device.getVqState(r.index).lastAvailIdx();
        progress += handler.packed() ? Math.floorMod(avail - r.seenAvail, r.num) : (avail - r.seenAvail) & 0xffff;
        r.seenAvail = avail;
      }
    }
    total += progress;
    if (total != lastActivityTotal) {
      lastActivityTotal = total;
      lastActivity = System.nanoTime();
    }
  }

  /**
   * How long the frontend has gone without kicking or moving a buffer (control messages do not
   * count). Any thread.
   *
   * @return milliseconds since the last activity, or since connecting
   */
  long idleMillis() {
    sampleActivity();
    return (System.nanoTime() - lastActivity) / 1_000_000L;
  }

  /**
   * Whether the frontend has hung up (its teardown is then imminent). Any thread.
   *
   * @return true if its end of the socket is closed
   */
  boolean peerHungUp() {
    synchronized (this) {
      if (ended) {
        return true;
      }
    }
    return conn.peerHungUp();
  }

  /**
   * Ends the session now: shuts the socket down, stops the kick threads, resets the device, unmaps
   * the frontend's memory. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  void revoke(String reason) {
    conn.shutdown();
    end(reason);
  }

  private synchronized void end(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    endReason = reason;
    conn.shutdown();
    try {
      handler.endAll();
      device.setConfigCallback(null);
    } finally {
      finalStats = counters.snapshot(who, Map.of(), reason);
      log.info("device " + device.name() + ": " + who + " disconnected (" + reason + "); this connection: "
          + finalStats.describe());
    }
  }

  /**
   * What the device counted for this connection so far, the current run included. Any thread.
   *
   * @return the totals; once the session ended, its final totals
   */
  synchronized ConnectionStats stats() {
    if (finalStats != null) {
      return finalStats;
    }
    return counters.snapshot(who, runner.liveStats(), null);
  }

  /**
   * Whether the device runs now (tests).
   *
   * @return true after DRIVER_OK was set for the frontend
   */
  synchronized boolean running() {
    return runner.running();
  }

  // ---------------------------------------------------------------- requests

  private void handle() throws IOException, ProtocolException {
    final Message m = msg;
    boolean replied = false;
    try {
      replied = handler.handle(m);
    } catch (ProtocolException e) {
      Fds.closeAll(m.fds);
      m.fds = UnixChannel.NO_FDS;
      if (m.needReply() && handler.ack()) {
        conn.replyU64(m.request, 1);
      }
      throw e;
    }
    if (!replied && m.needReply() && handler.ack()) {
      conn.replyU64(m.request, 0);
    }
  }
}
