package net.vdpa.driver.vhost;

import com.sun.jna.Memory;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.ring.packed.PackedLayout;
import net.vdpa.ring.split.SplitLayout;
import net.vdpa.unix.Fds;
import net.vdpa.unix.LibC;

/**
 * What a frontend told the backend about one vring: size, addresses (frontend virtual), base,
 * kick/call/err descriptors and the enable flag. Set-up fields are confined to the connection's
 * thread; the call descriptor is also used by device threads through {@link #used}, which writes the
 * 8-byte eventfd increment without allocating. The call descriptor is replaced and closed under the
 * same monitor that {@link #used} writes under, so a device thread never writes to a number that has
 * been closed and perhaps reused for another file.
 */
final class VringState implements VqCallback {
  final int index;
  int num;
  boolean addrSet;
  long descUva;
  long availUva;
  long usedUva;
  /**
   * The ring's base as vhost-user carries it: for a split ring the next available index; for a
   * packed ring bits 0-14 the next available index and bit 15 its wrap counter, and bits 16-31 the
   * same for the used index (QEMU sends both halves; DPDK only the low one, meaning used = avail).
   */
  int base;
  /** A kick descriptor (or NOFD) arrived since the last GET_VRING_BASE. */
  boolean kickSet;
  /** SET_VRING_ENABLE's last value. */
  boolean enabled;
  /** The device runs this ring now. */
  boolean started;
  /** The device's last available index when activity was last sampled (session monitor). */
  int seenAvail;
  KickThread kick;
  /** The error eventfd, or -1; connection thread only. */
  int err = -1;
  /** Guarded by {@code this}: the call eventfd, or -1. */
  private int call = -1;
  /** The eventfd increment: a little-endian u64 of 1. Guarded by {@code this} (written once). */
  private Memory one;
  /** Guarded by {@code this}: used-buffer notifications sent. */
  private long notifications;

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
   * @param fd the new eventfd, or -1 for none
   */
  synchronized void setCall(int fd) {
    Fds.close(call);
    call = fd;
    if (fd >= 0 && one == null) {
      one = new Memory(8);
      one.setLong(0, 1);
    }
  }

  /**
   * Replaces the error descriptor, closing the old one.
   *
   * @param fd the new eventfd, or -1
   */
  void setErr(int fd) {
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
      // at most one kick thread per ring, however fast a frontend replaces it (it stops within a poll)
      kick.awaitStop(2 * KickThread.POLL_MILLIS);
    }
    kick = t;
    if (t != null) {
      t.start();
    }
  }

  @Override
  public synchronized void used(int vqIndex) {
    if (call >= 0) {
      // non-blocking (set when it arrived): a full counter fails at once instead of holding the device
      LibC.write(call, one, 8);
      notifications++;
    }
  }


  /**
   * Used-buffer notifications sent to the frontend.
   *
   * @return the count
   */
  synchronized long notifications() {
    return notifications;
  }

  /**
   * Forgets everything and closes the descriptors (the device must be reset first).
   */
  void clear() {
    setKick(null);
    setCall(-1);
    setErr(-1);
    num = 0;
    addrSet = false;
    descUva = availUva = usedUva = 0;
    base = 0;
    kickSet = false;
    enabled = false;
    started = false;
  }

  /**
   * The bytes of the ring's three areas: for a split ring its descriptor table, available and used
   * rings; for a packed ring its descriptor ring and the driver and device event suppression areas.
   *
   * @param packed whether RING_PACKED was negotiated
   * @return {desc, driver, device} sizes
   */
  long[] areaSizes(boolean packed) {
    if (packed) {
      return new long[] {(long) PackedLayout.DESC_SIZE * num, PackedLayout.EVENT_SIZE, PackedLayout.EVENT_SIZE};
    }
    return new long[] {SplitLayout.descTableSize(num), SplitLayout.availSize(num), SplitLayout.usedSize(num)};
  }

  /**
   * The state the device resumes the ring from.
   *
   * @param packed whether RING_PACKED was negotiated
   * @return the state {@link #base} describes
   * @throws IllegalArgumentException if a split base is not a 16-bit index
   */
  VqState deviceState(boolean packed) {
    if (!packed) {
      return VqState.split(base);
    }
    int avail = base & 0xffff;
    int used = base >>> 16;
    if (used == 0) {
      used = avail;
    }
    return new VqState(avail & 0x7fff, (avail & 0x8000) != 0, used & 0x7fff, (used & 0x8000) != 0);
  }

  /**
   * Keeps the state the device stopped the ring at, as {@link #base}.
   *
   * @param s the device's state
   * @param packed whether RING_PACKED was negotiated
   */
  void save(VqState s, boolean packed) {
    if (!packed) {
      base = s.lastAvailIdx();
      return;
    }
    int avail = s.lastAvailIdx() | (s.lastAvailWrap() ? 0x8000 : 0);
    int used = s.lastUsedIdx() | (s.lastUsedWrap() ? 0x8000 : 0);
    base = avail | used << 16;
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
