package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.vdpa.api.VdpaDevice;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * The vhost-user backend's listening socket for one device: accepts frontends one at a time (a
 * frontend that connects while the device is owned is told nothing and closed, the refusal logged)
 * and serves each on its own thread with a {@link VhostUserSession}.
 *
 * <p>The socket file is created with mode 0600; a default directory is created with mode 0700
 * first, so the socket is never reachable by others, not even between bind and chmod.
 *
 * <p>Threads: an accept thread and one session thread; {@link #close()} from any thread.
 */
final class VhostUserServer implements Runnable {
  private final VdpaDevice device;
  private final Path path;
  private final boolean ownDirectory;
  private final OwnerSlot slot;
  private final Log log;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private VhostUserSession session;
  /** Guarded by {@link #lock}. */
  private boolean closed;
  private AFUNIXServerSocketChannel server;
  private Thread thread;

  /**
   * A server; {@link #start()} binds it.
   *
   * @param device the device
   * @param path the socket path
   * @param ownDirectory true if the parent directory is the driver's own (created 0700)
   * @param slot the device's owner slot
   * @param log where events go
   */
  VhostUserServer(VdpaDevice device, Path path, boolean ownDirectory, OwnerSlot slot, Log log) {
    this.device = device;
    this.path = path;
    this.ownDirectory = ownDirectory;
    this.slot = slot;
    this.log = log;
  }

  /**
   * Binds the socket and starts accepting.
   *
   * @throws IOException if the socket cannot be created (the message names the path)
   */
  void start() throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (ownDirectory && !Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("vhost-user socket path " + path + " exists and is not a socket");
      }
      Files.delete(path); // a stale socket from an earlier run
    }
    try {
      server = AFUNIXServerSocketChannel.open();
      server.bind(AFUNIXSocketAddress.of(path), 4);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      if (server != null) {
        server.close();
      }
      throw new IOException("cannot listen on vhost-user socket " + path + ": " + e.getMessage(), e);
    }
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
    while (true) {
      AFUNIXSocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        synchronized (lock) {
          if (closed) {
            return;
          }
        }
        log.warn("device " + device.name() + ": accept on " + path + " failed: " + e.getMessage());
        return;
      }
      serve(ch);
    }
  }

  private void serve(AFUNIXSocketChannel ch) {
    Connection conn;
    try {
      conn = new Connection(ch);
    } catch (IOException e) {
      close(ch);
      return;
    }
    long pid = conn.peerPid();
    String who = "vhost-user frontend pid " + pid;
    String taken = slot.acquire(who);
    if (taken != null) {
      log.warn("device " + device.name() + ": " + who + " refused: the device is owned by " + taken);
      conn.close();
      return;
    }
    VhostUserSession s = new VhostUserSession(device, conn, log, who, () -> {
      synchronized (lock) {
        session = null;
      }
      slot.release(who);
    });
    synchronized (lock) {
      if (closed) {
        conn.close();
        slot.release(who);
        return;
      }
      session = s;
    }
    log.info("device " + device.name() + ": " + who + " connected on " + path);
    Thread t = new Thread(s, "vhost-user-" + device.name() + "-pid" + pid);
    t.setDaemon(true);
    t.start();
  }

  private static void close(AFUNIXSocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closing anyway
    }
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
   * Stops listening, revokes the frontend (socket closed, kick threads stopped, device reset, memory
   * unmapped) and deletes the socket file. Never waits for the frontend. Idempotent.
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
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      // closing anyway
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
}
