package net.vdpa.driver.vhost;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqCallback;

/**
 * What a frontend told the backend about one vring: size, addresses (frontend virtual), base,
 * kick/call/err descriptors and the enable flag. Set-up fields are confined to the connection's
 * thread; the call descriptor is also read by device threads through {@link #used}, which writes the
 * 8-byte eventfd increment without allocating.
 */
final class VringState implements VqCallback {
  final int index;
  int num;
  boolean addrSet;
  long descUva;
  long availUva;
  long usedUva;
  int base;
  /** A kick descriptor (or NOFD) arrived since the last GET_VRING_BASE. */
  boolean kickSet;
  /** SET_VRING_ENABLE's last value. */
  boolean enabled;
  /** The device runs this ring now. */
  boolean started;
  KickThread kick;
  FileDescriptor err;
  private FileDescriptor callFd;
  /** Written by the connection thread, read by device threads. */
  private volatile FileOutputStream call;
  private final byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};

  /**
   * A vring in its initial state.
   *
   * @param index its index
   */
  VringState(int index) {
    this.index = index;
  }

  /**
   * Whether the ring has all it needs to run.
   *
   * @param needEnable true once protocol features are negotiated (rings then start disabled)
   * @return true if the device may run it
   */
  boolean ready(boolean needEnable) {
    return num > 0 && addrSet && kickSet && (!needEnable || enabled);
  }

  /**
   * Replaces the call descriptor, closing the old one.
   *
   * @param fd the new eventfd, or null for none
   */
  void setCall(FileDescriptor fd) {
    FileDescriptor old = callFd;
    callFd = fd;
    call = fd == null ? null : new FileOutputStream(fd);
    Fds.close(old);
  }

  /**
   * Replaces the error descriptor, closing the old one.
   *
   * @param fd the new eventfd, or null
   */
  void setErr(FileDescriptor fd) {
    Fds.close(err);
    err = fd;
  }

  /**
   * Replaces the kick thread: stops the old one (which closes its descriptor) and starts the new.
   *
   * @param t the new thread, or null
   */
  void setKick(KickThread t) {
    if (kick != null) {
      kick.stop();
    }
    kick = t;
    if (t != null) {
      t.start();
    }
  }

  @Override
  public void used(int vqIndex) {
    final FileOutputStream out = call;
    if (out != null) {
      try {
        out.write(one, 0, 8);
      } catch (IOException e) {
        // a full or closed eventfd: the frontend polls, or is gone
      }
    }
  }

  /**
   * Forgets everything and closes the descriptors (the device must be reset first).
   */
  void clear() {
    setKick(null);
    setCall(null);
    setErr(null);
    num = 0;
    addrSet = false;
    descUva = availUva = usedUva = 0;
    base = 0;
    kickSet = false;
    enabled = false;
    started = false;
  }

  /**
   * The bytes of the descriptor table, available ring and used ring of a split ring of this size.
   *
   * @return {desc, avail, used} sizes
   */
  long[] splitAreaSizes() {
    return new long[] {16L * num, 6L + 2L * num, 6L + 8L * num};
  }

  /**
   * Ring set-up for the device log line.
   *
   * @param device the device
   * @return a short description
   */
  String describe(VdpaDevice device) {
    return "vring " + index + " of " + device.name() + " (num " + num + ", base " + base + ")";
  }
}
