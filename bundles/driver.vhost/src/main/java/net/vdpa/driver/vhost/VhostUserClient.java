package net.vdpa.driver.vhost;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.unix.UnixChannel;

/**
 * The vhost-user backend of one device in client mode: the frontend listens (QEMU's
 * {@code -chardev socket,server=on}, virtio-user's {@code server=1}) and the backend connects to
 * it, serves one session over the connection, and when the connection ends (the frontend quit,
 * was killed, restarts) connects again, until the device is unbound or the driver stops.
 *
 * <p>While the frontend is away the backend retries after {@link Settings.Reconnect#minMillis()},
 * the pause doubling up to {@link Settings.Reconnect#maxMillis()}; the pacing starts over after a
 * session that lasted longer than the longest pause. A frontend that ends {@link #MAX_QUICK_ENDS}
 * connections in a row at once (it refuses what the backend offers, or the backend refuses what it
 * sends) would do it again on every attempt, each time with its own log lines: the backend stops
 * connecting to that socket file, says so once, and connects again once the socket is created anew
 * (the frontend restarted). Before each attempt the socket's directory is checked again
 * ({@link SocketDir#checkClient(Path)}), and nothing is attempted while an in-process handle holds
 * the device. A connected frontend is served exactly as a frontend that connected to a listening
 * backend: same peer-credential memory policy, same deadlines ({@link SessionRunner}).
 *
 * <p>Log lines, bounded however long the frontend is away: one when the backend starts, one when a
 * frontend is connected (and the session's own line when it ends); while the frontend is away, a
 * warning once per distinct problem (an unsafe directory, a permission refused, the device held by
 * an in-process owner), and one warning once it has been away {@link
 * Settings.Reconnect#warnAfterMillis()}. A socket that is missing or that nobody listens on is what
 * an absent frontend looks like: it is not logged per attempt.
 *
 * <p>Threads: a connect thread and one session thread; {@link #close(String)} from any thread
 * wakes the connect thread at once (its pauses are waits on the runner's monitor, and a connect
 * never blocks).
 */
final class VhostUserClient implements Endpoint, Runnable {
  /** The most distinct problems one absence logs; more say nothing until the frontend is back. */
  static final int MAX_PROBLEMS_TOLD = 16;
  /** Connections in a row that end within the longest pause before the backend stops reconnecting to that socket. */
  static final int MAX_QUICK_ENDS = 3;

  private final VdpaDevice device;
  private final Path path;
  private final OwnerSlot slot;
  private final Settings.Reconnect reconnect;
  private final EventLog log;
  private final SessionRunner runner;
  /** Sessions that ended within the longest pause, in a row; connect thread only. */
  private int quickEnds;
  /** The socket file not to connect to again (see {@link #park()}), or null; connect thread only. */
  private Object parkedOn;
  /** Connection attempts so far (tests and the long-absence warning); written by the connect thread. */
  private volatile long attempts;
  private Thread thread;

  /**
   * A client; {@link #start()} begins connecting.
   *
   * @param device the device
   * @param path the frontend's socket path
   * @param slot the device's owner slot
   * @param settings deadlines, memory policy and reconnect pacing
   * @param runtimeUid the runtime's user id
   * @param log where events go
   */
  VhostUserClient(VdpaDevice device, Path path, OwnerSlot slot, Settings settings, int runtimeUid, EventLog log) {
    this.device = device;
    this.path = path;
    this.slot = slot;
    this.reconnect = settings.reconnect();
    this.log = log;
    this.runner = new SessionRunner(device, slot, settings, runtimeUid, log);
  }

  /**
   * Checks the frontend's socket directory and starts the connect thread.
   *
   * @throws IOException if the directory is unsafe (the message names it)
   */
  @Override
  public void start() throws IOException {
    SocketDir.checkClient(path);
    thread = new Thread(this, "vhost-user-client-" + device.name());
    thread.setDaemon(true);
    thread.start();
    log.info("device " + device.name() + ": vhost-user backend connects to the frontend's socket " + path
        + " (client mode)");
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public SocketMode mode() {
    return SocketMode.CLIENT;
  }

  @Override
  public void run() {
    try {
      Absence away = new Absence();
      int pause = reconnect.minMillis();
      while (!runner.closed()) {
        VhostUserSession s = attempt(away);
        if (s != null) {
          long began = System.nanoTime();
          runner.awaitEnd(s, 0);
          long lasted = (System.nanoTime() - began) / 1_000_000L;
          boolean quick = lasted <= reconnect.maxMillis();
          pause = quick ? reconnect.next(pause) : reconnect.minMillis();
          quickEnds = quick ? quickEnds + 1 : 0;
          if (quickEnds >= MAX_QUICK_ENDS && !runner.closed()) {
            park();
          }
          away = new Absence();
        }
        if (!runner.pause(pause)) {
          return;
        }
        if (s == null) {
          pause = reconnect.next(pause);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the thread ends: only close() should stop it, and it wakes waits
    }
  }

  /**
   * Stops connecting to this socket file: the frontend behind it ended {@link #MAX_QUICK_ENDS}
   * connections in a row at once (each with its own log lines), so another attempt would only do
   * the same. A new socket file at the path (the frontend restarted) lifts it.
   */
  private void park() {
    parkedOn = socketIdentity();
    if (parkedOn != null) {
      log.warn("device " + device.name() + ": the frontend on " + path + " ended " + quickEnds + " connections in a"
          + " row within " + reconnect.maxMillis() + " ms each; not connecting to it again until its socket is"
          + " created anew (the frontend restarts)");
    }
  }

  /** The socket file's identity (inode and modification time, which a new bind changes), or null if absent. */
  private Object socketIdentity() {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime());
    } catch (IOException absent) {
      return null;
    }
  }

  /** One attempt: the session started, or null with the reason noted in {@code away}. */
  private VhostUserSession attempt(Absence away) {
    attempts++;
    Optional<String> owner = slot.owner();
    if (owner.isPresent()) {
      away.problem("not connecting to " + path + " while the device is held by " + owner.get());
      return null;
    }
    if (parkedOn != null) {
      if (parkedOn.equals(socketIdentity())) {
        away.absent("the frontend's socket has not been created anew since it ended " + quickEnds
            + " connections at once");
        return null;
      }
      parkedOn = null;
      quickEnds = 0;
    }
    UnixChannel ch;
    try {
      SocketDir.checkClient(path);
      ch = UnixChannel.connectNow(path, Message.HEADER + Message.MAX_PAYLOAD, Message.MAX_FDS);
    } catch (ConnectException e) {
      away.absent(e.getMessage());
      return null;
    } catch (IOException e) {
      away.problem(e.getMessage());
      return null;
    }
    SessionRunner.Outcome o = runner.serve(ch, who -> "device " + device.name() + ": " + who
        + " connected (the backend connected to its socket " + path + ", client mode)");
    if (o instanceof SessionRunner.Outcome.Started started) {
      return started.session();
    }
    if (o instanceof SessionRunner.Outcome.Refused r) {
      away.problem("not connecting to " + path + " while the device is held by " + r.owner());
    } else if (o instanceof SessionRunner.Outcome.Dropped d && !runner.closed()) {
      away.problem("connection to " + path + " dropped: " + d.reason());
    }
    return null;
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
   * Whether a frontend is connected now.
   *
   * @return true while a session runs
   */
  boolean connected() {
    return runner.session() != null;
  }

  /**
   * Connection attempts so far (tests).
   *
   * @return the count
   */
  long attempts() {
    return attempts;
  }

  /**
   * Stops connecting and revokes the frontend's session; the connect thread ends at once. The
   * socket is the frontend's: it stays. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  @Override
  public void close(String reason) {
    runner.close(reason);
  }

  @Override
  public Thread thread() {
    return thread;
  }

  /** What has been logged during one absence of the frontend. Connect thread only. */
  private final class Absence {
    private final long since = System.nanoTime();
    private final long attemptsBefore = attempts;
    private final Set<String> told = new HashSet<>();
    private boolean warnedLong;

    /** A reason worth telling once: the operator can fix it. */
    void problem(String reason) {
      if (told.size() < MAX_PROBLEMS_TOLD && told.add(reason)) {
        log.warn("device " + device.name() + ": " + reason + "; retrying (said once while the frontend is away)");
      }
      tooLong(reason);
    }

    /** The frontend is not there (no socket, nobody listening): what an absence looks like. */
    void absent(String reason) {
      tooLong(reason);
    }

    private void tooLong(String lastReason) {
      long away = (System.nanoTime() - since) / 1_000_000L;
      if (!warnedLong && away >= reconnect.warnAfterMillis()) {
        warnedLong = true;
        log.warn("device " + device.name() + ": no vhost-user frontend on " + path + " for " + away + " ms, "
            + (attempts - attemptsBefore) + " attempts (last: " + lastReason + "); still trying every "
            + reconnect.maxMillis() + " ms at most");
      }
    }
  }
}
