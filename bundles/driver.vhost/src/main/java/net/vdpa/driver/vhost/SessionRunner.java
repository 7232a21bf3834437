package net.vdpa.driver.vhost;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.unix.PeerCredentials;
import net.vdpa.unix.UnixChannel;

/**
 * The one place where a connected socket becomes a running {@link VhostUserSession}, whichever end
 * connected: the listening backend's accept thread and the client-mode backend's connect thread
 * both hand their channel here. It reads the peer's credentials (the memory policy and every log
 * line name the process the kernel recorded, not a name the peer claims), takes the device's owner
 * slot, applies the same deadlines and starts the session's thread; it keeps the session until its
 * end and lets the caller wait for that end or for {@link #close(String)}.
 *
 * <p>Threads: {@link #serve} from the caller's one thread; the waits from that thread too;
 * {@link #close(String)}, {@link #session()} from any thread. The monitor {@link #lock} guards
 * {@link #session} and {@link #closed} and is notified when either changes.
 */
final class SessionRunner {
  /** What became of a connected socket. */
  sealed interface Outcome {
    /** A session runs for the frontend. */
    record Started(VhostUserSession session) implements Outcome {}

    /** The device is owned by someone else: the socket was closed. */
    record Refused(String who, String owner) implements Outcome {}

    /** The socket was closed without a session: no credentials, or the runner is closed. */
    record Dropped(String reason) implements Outcome {}
  }

  private final VdpaDevice device;
  private final OwnerSlot slot;
  private final Settings settings;
  private final int runtimeUid;
  private final EventLog log;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private VhostUserSession session;
  /** What the last connection that ended counted; guarded by {@link #lock}. */
  private ConnectionStats lastEnded;
  /** Guarded by {@link #lock}. */
  private boolean closed;

  /**
   * A runner for one device.
   *
   * @param device the device
   * @param slot the device's owner slot
   * @param settings deadlines and memory policy
   * @param runtimeUid the runtime's user id
   * @param log where events go
   */
  SessionRunner(VdpaDevice device, OwnerSlot slot, Settings settings, int runtimeUid, EventLog log) {
    this.device = device;
    this.slot = slot;
    this.settings = settings;
    this.runtimeUid = runtimeUid;
    this.log = log;
  }

  /**
   * Serves a connected socket: a session on its own thread if the device is free.
   *
   * @param ch the channel, owned by the runner from now on (closed unless a session took it)
   * @param connectedLine the info line for a started session, given the frontend's name
   * @return what became of it
   */
  Outcome serve(UnixChannel ch, Function<String, String> connectedLine) {
    PeerCredentials peer;
    try {
      peer = ch.peerCredentials();
    } catch (IOException e) {
      ch.close();
      return new Outcome.Dropped(e.getMessage());
    }
    String who = who(peer);
    String taken = slot.acquire(who);
    if (taken != null) {
      ch.close();
      return new Outcome.Refused(who, taken);
    }
    Connection conn = new Connection(ch, peer, settings.messageMillis());
    VhostUserSession s = new VhostUserSession(device, conn, log, who, settings, runtimeUid, ended -> {
      slot.release(who); // before a waiter can see the session gone
      synchronized (lock) {
        lastEnded = ended.stats();
        if (session == ended) { // a newcomer may already be the session
          session = null;
        }
        lock.notifyAll();
      }
    });
    synchronized (lock) {
      if (closed) {
        slot.release(who);
        conn.close();
        return new Outcome.Dropped("device " + device.name() + " is no longer served");
      }
      session = s;
    }
    log.info(connectedLine.apply(who));
    Thread t = new Thread(s, "vhost-user-" + device.name() + "-pid" + peer.pid());
    t.setDaemon(true);
    t.start();
    return new Outcome.Started(s);
  }

  /**
   * A frontend's name for log lines and the owner slot.
   *
   * @param peer its credentials
   * @return {@code vhost-user frontend pid N uid U}
   */
  static String who(PeerCredentials peer) {
    return "vhost-user frontend pid " + peer.pid() + " uid " + Integer.toUnsignedString(peer.uid());
  }

  /**
   * What the device counted for the connection being served, then for the last that ended.
   *
   * @return zero to two entries, the connected one first
   */
  List<ConnectionStats> connections() {
    VhostUserSession s;
    ConnectionStats last;
    synchronized (lock) {
      s = session;
      last = lastEnded;
    }
    List<ConnectionStats> l = new ArrayList<>(2);
    if (s != null) {
      ConnectionStats now = s.stats();
      if (now.connected()) {
        l.add(now);
      }
    }
    if (last != null) {
      l.add(last);
    }
    return l;
  }

  /**
   * The session being served.
   *
   * @return the session, or null
   */
  VhostUserSession session() {
    synchronized (lock) {
      return session;
    }
  }

  /**
   * Whether {@link #close(String)} has run.
   *
   * @return true once closed
   */
  boolean closed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Waits until a session has ended (its device reset and its slot released), the runner is
   * closed, or the time is up.
   *
   * @param s the session
   * @param timeoutMillis the longest wait; 0 waits without a limit
   * @return true if the session is no longer the runner's
   * @throws InterruptedException if interrupted
   */
  boolean awaitEnd(VhostUserSession s, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lock) {
      while (session == s && !closed) {
        if (timeoutMillis == 0) {
          lock.wait();
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return session != s;
    }
  }

  /**
   * Pauses the caller's thread, waking at once if the runner is closed meanwhile.
   *
   * @param millis how long
   * @return true if the runner is still open after the pause
   * @throws InterruptedException if interrupted
   */
  boolean pause(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (lock) {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return false;
    }
  }

  /**
   * Closes the runner: no new session starts, the current one is revoked (socket shut down, kick
   * threads stopped, device reset, memory unmapped) and every waiter wakes. Never waits for the
   * frontend. Idempotent.
   *
   * @param reason why, for the log
   * @return true the first time
   */
  boolean close(String reason) {
    VhostUserSession s;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      s = session;
      lock.notifyAll();
    }
    if (s != null) {
      log.warn("device " + device.name() + ": frontend revoked (" + reason + ")");
      s.revoke("revoked: " + reason);
    }
    return true;
  }
}
