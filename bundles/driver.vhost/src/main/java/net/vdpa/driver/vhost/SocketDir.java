package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where vhost-user sockets may live. A socket directory is where frontends find the device, and
 * whoever controls it can put their own socket in the device's place and receive a guest's memory.
 * So the directory must be the runtime's: owned by the runtime's user, not a symbolic link, and not
 * writable by anyone else (the default directory: mode 0700 exactly). Anything else is refused with
 * one line that says what is wrong and how to fix it.
 */
final class SocketDir {
  private SocketDir() {}

  /**
   * The runtime's default socket directory: under {@code $XDG_RUNTIME_DIR} when it is set (a
   * per-user tmpfs), else beside the framework's storage; named after the storage so that two
   * runtimes on one host never share it.
   *
   * @param xdgRuntimeDir the environment variable's value, or null
   * @param storage the framework's storage directory
   * @return the directory
   */
  static Path defaultFor(String xdgRuntimeDir, Path storage) {
    Path s = storage.toAbsolutePath().normalize();
    if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank() && Path.of(xdgRuntimeDir).isAbsolute()) {
      return Path.of(xdgRuntimeDir).resolve("vdpa-" + shortHash(s.toString()));
    }
    Path name = s.getFileName();
    return s.resolveSibling((name == null ? "vdpa" : name.toString()) + "-vhost");
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Creates the directory (mode 0700) if it is missing, then checks it without following links.
   *
   * @param dir the directory
   * @param strictMode true to require mode 0700 exactly (the default directory); false to require
   *     only that group and others cannot write (a directory the operator chose)
   * @param uid the runtime's user id
   * @throws IOException naming what is wrong and how to fix it
   */
  static void prepare(Path dir, boolean strictMode, int uid) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = dir.getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // someone made it meanwhile: the checks below decide
      }
    }
    check(dir, strictMode, uid);
  }

  /**
   * Checks a directory without following links.
   *
   * @param dir the directory
   * @param strictMode true to require mode 0700 exactly
   * @param uid the runtime's user id
   * @throws IOException naming what is wrong and how to fix it
   */
  static void check(Path dir, boolean strictMode, int uid) throws IOException {
    String fix = strictMode ? "remove it so that the runtime creates its own, or set socket_dir (PID net.vdpa.driver.vhost)"
        : "fix it or choose another socket_dir (PID net.vdpa.driver.vhost)";
    if (Files.isSymbolicLink(dir)) {
      throw new IOException("vhost socket directory " + dir + " is a symbolic link: " + fix);
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("vhost socket directory " + dir + " is not a directory: " + fix);
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (owner != uid) {
      throw new IOException("vhost socket directory " + dir + " belongs to uid " + owner + ", not to the runtime's uid "
          + uid + ": " + fix);
    }
    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
    if (strictMode && mode != 0700) {
      throw new IOException("vhost socket directory " + dir + " has mode " + Integer.toOctalString(mode)
          + ", not 700: " + fix);
    }
    if ((mode & 022) != 0) {
      throw new IOException("vhost socket directory " + dir + " has mode " + Integer.toOctalString(mode)
          + ": others can write to it: " + fix);
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      checkHolder(parent, uid, "the directory holding vhost socket directory " + dir);
    }
  }

  /**
   * Checks a directory that holds a socket or the socket directory: whoever can rename entries in it
   * can swap ours for theirs after our checks. It must belong to the runtime's user or to root, and
   * others may write to it only if it is sticky (then nobody can rename another user's entry).
   */
  private static void checkHolder(Path holder, int uid, String what) throws IOException {
    int owner = (Integer) Files.getAttribute(holder, "unix:uid");
    if (owner != uid && owner != 0) {
      throw new IOException(what + " (" + holder + ") belongs to uid " + owner + ", neither the runtime's uid " + uid
          + " nor root: choose a socket_dir in a directory of yours");
    }
    int mode = (Integer) Files.getAttribute(holder, "unix:mode") & 07777;
    if ((mode & 022) != 0 && (mode & 01000) == 0) {
      throw new IOException(what + " (" + holder + ") has mode " + Integer.toOctalString(mode & 0777)
          + ": others can replace what it holds: choose a directory only the runtime's user can write");
    }
  }

  /**
   * Checks the directory of an explicitly configured socket path: it must exist, belong to the
   * runtime's user or root, and not be writable by others unless it is sticky (as {@code /tmp} is,
   * where nobody can remove another user's socket).
   *
   * @param socket the configured path
   * @param uid the runtime's user id
   * @throws IOException naming what is wrong
   */
  static void checkExplicit(Path socket, int uid) throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IOException("the directory of vhost socket " + socket + " does not exist");
    }
    checkHolder(dir, uid, "the directory of vhost socket " + socket);
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      int owner = (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != uid) {
        throw new IOException("vhost socket path " + socket + " is taken by uid " + owner + "'s file");
      }
    }
  }

  /**
   * Checks a frontend's socket before the backend connects to it (client mode). Whoever can put
   * another socket at the path can pose as the frontend: be handed the device's traffic and have
   * the runtime map memory of theirs. So the directory must not be writable by others unless it is
   * sticky, and the path must not be a symbolic link or anything but a socket. The directory may
   * belong to another user (the frontend's, such as QEMU's under libvirt); a directory that does not
   * exist yet is not a problem: nothing can be connected to there, and it is checked again before
   * each attempt.
   *
   * @param socket the frontend's socket path
   * @throws IOException naming what is wrong
   */
  static void checkClient(Path socket) throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(dir, "unix:mode") & 07777;
    if ((mode & 022) != 0 && (mode & 01000) == 0) {
      throw new IOException("the directory of vhost-user frontend socket " + socket + " (" + dir + ") has mode "
          + Integer.toOctalString(mode & 0777) + ": others could put their own socket there; use a directory only the"
          + " frontend's user can write, or a sticky one");
    }
    if (Files.isSymbolicLink(socket)) {
      throw new IOException("vhost-user frontend socket " + socket + " is a symbolic link");
    }
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
        && !Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
      throw new IOException("vhost-user frontend socket " + socket + " is not a socket");
    }
  }
}
