package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.unix.PeerCredentials;
import net.vdpa.unix.UnixChannel;
import net.vdpa.unix.UnixListener;

/**
 * The vhost-user backend's listening socket for one device: serves one frontend at a time, each on
 * its own thread with a {@link VhostUserSession}.
 *
 * <p>Who gets the device when a frontend connects: if the current frontend has hung up, its
 * teardown is awaited (it never waits on anyone) and the newcomer is served, so an immediate
 * reconnect always succeeds; if the current frontend has been idle (no kick, no buffer moved) for
 * the idle timeout, it is revoked and the newcomer served; otherwise the newcomer is closed at once,
 * and that refusal is logged once per owner, not once per retry. At most {@link #BACKLOG}
 * connections wait in the kernel.
 *
 * <p>Threads: an accept thread and one session thread; {@link #close(String)} from any thread.
 */
final class VhostUserServer implements Runnable {
  /** Connections the kernel queues before the accept thread takes them. */
  static final int BACKLOG = 4;
  /** How long the accept thread waits for a hung-up or revoked frontend's teardown. */
  static final int TEARDOWN_WAIT_MILLIS = 2_000;
  private static final int ACCEPT_POLL_MILLIS = 200;

  private final VdpaDevice device;
  private final Path path;
  private final OwnerSlot slot;
  private final Settings settings;
  private final int runtimeUid;
  private final Log log;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private VhostUserSession session;
  /** What the last connection that ended counted; guarded by {@code lock}. */
  private ConnectionStats lastEnded;
  /** Guarded by {@link #lock}. */
  private boolean closed;
  /** Accept thread only: the owner the last logged refusal named. */
  private String refusedWhileOwnedBy;
  private UnixListener listener;
  private Thread thread;

  /**
   * A server; {@link #start()} binds it.
   *
   * @param device the device
   * @param path the socket path; its directory has been checked
   * @param slot the device's owner slot
   * @param settings deadlines and memory policy
   * @param runtimeUid the runtime's user id
   * @param log where events go
   */
  VhostUserServer(VdpaDevice device, Path path, OwnerSlot slot, Settings settings, int runtimeUid, Log log) {
    this.device = device;
    this.path = path;
    this.slot = slot;
    this.settings = settings;
    this.runtimeUid = runtimeUid;
    this.log = log;
  }

  /**
   * Binds the socket and starts accepting.
   *
   * @throws IOException if the socket cannot be created (the message names the path)
   */
  void start() throws IOException {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      var attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isOther()) {
        throw new IOException("vhost-user socket path " + path + " exists and is not a socket");
      }
      Files.delete(path); // a stale socket of ours from an earlier run (the directory is ours)
    }
    listener = UnixListener.bind(path, BACKLOG);
    thread = new Thread(this, "vhost-user-" + device.name());
    thread.setDaemon(true);
    thread.start();
    log.info("device " + device.name() + ": vhost-user backend listening on " + path);
  }

  /**
   * The socket path.
   *
   * @return the path
   */
  Path path() {
    return path;
  }

  @Override
  public void run() {
    try {
      while (true) {
        UnixChannel ch;
        try {
          ch = listener.accept(ACCEPT_POLL_MILLIS, Message.HEADER + Message.MAX_PAYLOAD, Message.MAX_FDS);
        } catch (IOException e) {
          synchronized (lock) {
            if (!closed) {
              log.warn("device " + device.name() + ": accept on " + path + " failed: " + e.getMessage());
            }
          }
          return;
        }
        if (ch != null) {
          serve(ch);
        }
      }
    } finally {
      listener.close();
    }
  }

  private void serve(UnixChannel ch) {
    PeerCredentials peer;
    try {
      peer = ch.peerCredentials();
    } catch (IOException e) {
      ch.close();
      return;
    }
    String who = "vhost-user frontend pid " + peer.pid() + " uid " + Integer.toUnsignedString(peer.uid());
    makeRoomFor(who);
    String taken = slot.acquire(who);
    if (taken != null) {
      if (!taken.equals(refusedWhileOwnedBy)) {
        refusedWhileOwnedBy = taken;
        log.warn("device " + device.name() + ": " + who + " refused: the device is owned by " + taken
            + " (further refusals while it is are not logged)");
      }
      ch.close();
      return;
    }
    refusedWhileOwnedBy = null;
    Connection conn = new Connection(ch, peer, settings.messageMillis());
    VhostUserSession s = new VhostUserSession(device, conn, log, who, settings, runtimeUid, ended -> {
      slot.release(who); // before the accept thread can see the session gone
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
        return;
      }
      session = s;
    }
    log.info("device " + device.name() + ": " + who + " connected on " + path);
    Thread t = new Thread(s, "vhost-user-" + device.name() + "-pid" + peer.pid());
    t.setDaemon(true);
    t.start();
  }

  /** Frees the device for a newcomer when its frontend has hung up or idled past the timeout. */
  private void makeRoomFor(String newcomer) {
    VhostUserSession s;
    synchronized (lock) {
      s = session;
    }
    if (s == null) {
      return;
    }
    if (!s.peerHungUp()) {
      long idle = s.idleMillis();
      if (settings.idleMillis() == 0 || idle < settings.idleMillis()) {
        return;
      }
      log.warn("device " + device.name() + ": " + s.who() + " revoked: idle for " + idle + " ms (idle_timeout_ms "
          + settings.idleMillis() + ") and " + newcomer + " wants the device");
      s.revoke("idle for " + idle + " ms while another frontend waited");
    }
    long deadline = System.nanoTime() + TEARDOWN_WAIT_MILLIS * 1_000_000L;
    synchronized (lock) {
      while (session == s) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          return;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
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
   * The session being served (tests).
   *
   * @return the session, or null
   */
  VhostUserSession session() {
    synchronized (lock) {
      return session;
    }
  }

  /**
   * Stops listening, revokes the frontend (socket shut down, kick threads stopped, device reset,
   * memory unmapped) and deletes the socket file. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  void close(String reason) {
    VhostUserSession s;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = session;
    }
    if (listener != null) {
      listener.shutdown();
    }
    if (s != null) {
      log.warn("device " + device.name() + ": frontend revoked (" + reason + ")");
      s.revoke("revoked: " + reason);
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("device " + device.name() + ": cannot delete socket " + path + ": " + e.getMessage());
    }
  }

  /**
   * The accept thread (tests: it ends soon after {@link #close(String)}).
   *
   * @return the thread, or null before {@link #start()}
   */
  Thread thread() {
    return thread;
  }
}
