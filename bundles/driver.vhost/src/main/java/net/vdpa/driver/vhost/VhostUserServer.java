package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;
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
 * Accepted sockets become sessions through the {@link SessionRunner}, as the client mode's do.
 */
final class VhostUserServer implements Endpoint, Runnable {
  /** Connections the kernel queues before the accept thread takes them. */
  static final int BACKLOG = 4;
  /** How long the accept thread waits for a hung-up or revoked frontend's teardown. */
  static final int TEARDOWN_WAIT_MILLIS = 2_000;
  private static final int ACCEPT_POLL_MILLIS = 200;

  private final VdpaDevice device;
  private final Path path;
  private final Settings settings;
  private final EventLog log;
  private final SessionRunner runner;
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
  VhostUserServer(VdpaDevice device, Path path, OwnerSlot slot, Settings settings, int runtimeUid, EventLog log) {
    this.device = device;
    this.path = path;
    this.settings = settings;
    this.log = log;
    this.runner = new SessionRunner(device, slot, settings, runtimeUid, log);
  }

  /**
   * Binds the socket and starts accepting.
   *
   * @throws IOException if the socket cannot be created (the message names the path)
   */
  @Override
  public void start() throws IOException {
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
  @Override
  public Path path() {
    return path;
  }

  @Override
  public SocketMode mode() {
    return SocketMode.SERVER;
  }

  @Override
  public void run() {
    try {
      while (true) {
        UnixChannel ch;
        try {
          ch = listener.accept(ACCEPT_POLL_MILLIS, Message.HEADER + Message.MAX_PAYLOAD, Message.MAX_FDS);
        } catch (IOException e) {
          if (!runner.closed()) {
            log.warn("device " + device.name() + ": accept on " + path + " failed: " + e.getMessage());
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
    String newcomer;
    try {
      newcomer = SessionRunner.who(ch.peerCredentials());
    } catch (IOException e) {
      ch.close();
      return;
    }
    makeRoomFor(newcomer);
    SessionRunner.Outcome o = runner.serve(ch, who -> "device " + device.name() + ": " + who + " connected on " + path);
    if (o instanceof SessionRunner.Outcome.Refused r) {
      if (!r.owner().equals(refusedWhileOwnedBy)) {
        refusedWhileOwnedBy = r.owner();
        log.warn("device " + device.name() + ": " + r.who() + " refused: the device is owned by " + r.owner()
            + " (further refusals while it is are not logged)");
      }
    } else if (o instanceof SessionRunner.Outcome.Started) {
      refusedWhileOwnedBy = null;
    }
  }

  /** Frees the device for a newcomer when its frontend has hung up or idled past the timeout. */
  private void makeRoomFor(String newcomer) {
    VhostUserSession s = runner.session();
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
    try {
      runner.awaitEnd(s, TEARDOWN_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<ConnectionStats> connections() {
    return runner.connections();
  }

  @Override
  public VhostUserSession session() {
    return runner.session();
  }

  /**
   * Stops listening, revokes the frontend (socket shut down, kick threads stopped, device reset,
   * memory unmapped) and deletes the socket file. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  @Override
  public void close(String reason) {
    if (!runner.close(reason)) {
      return;
    }
    if (listener != null) {
      listener.shutdown();
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("device " + device.name() + ": cannot delete socket " + path + ": " + e.getMessage());
    }
  }

  @Override
  public Thread thread() {
    return thread;
  }
}
