package net.vdpa.unix;

import com.sun.jna.Pointer;

/**
 * The descriptors a channel received for the message being read: SCM_RIGHTS control messages are
 * walked, descriptors kept up to the limit of one message and closed beyond it, and a truncated
 * control buffer counts as an overflow (the message is not whole). The owner thread's only.
 */
final class ReceivedFds {
  private final int maxFds;
  private final int[] fds;
  private int count;
  /** More descriptors arrived than one message may carry (they were closed). */
  private int overflow;

  ReceivedFds(int maxFds) {
    this.maxFds = maxFds;
    this.fds = new int[maxFds];
  }

  /**
   * Walks the control messages of one {@code recvmsg}.
   *
   * @param control the control buffer
   * @param controlLen the bytes the kernel wrote there
   * @param truncated whether the kernel set MSG_CTRUNC
   */
  void collect(Pointer control, long controlLen, boolean truncated) {
    long at = 0;
    while (at + 16 <= controlLen) {
      long len = control.getLong(at);
      if (len < 16 || at + len > controlLen) {
        break;
      }
      int level = control.getInt(at + 8);
      int type = control.getInt(at + 12);
      if (level == LibC.SOL_SOCKET && type == LibC.SCM_RIGHTS) {
        int n = (int) ((len - 16) / 4);
        for (int i = 0; i < n; i++) {
          int received = control.getInt(at + 16 + 4L * i);
          if (count < maxFds) {
            fds[count++] = received;
          } else {
            Fds.close(received);
            overflow++;
          }
        }
      }
      at += (len + 7) & ~7L;
    }
    if (truncated) {
      overflow++;
    }
  }

  /** Closes the descriptors not taken (the channel closes). */
  void closeAll() {
    Fds.closeAll(fds, 0, count);
    count = 0;
    overflow = 0;
  }

  /**
   * Hands over the descriptors collected since the last call.
   *
   * @return the descriptors, possibly empty, now the caller's
   * @throws FdOverflowException if more came than one message may carry (all were closed)
   */
  int[] take() throws FdOverflowException {
    int n = count;
    int over = overflow;
    count = 0;
    overflow = 0;
    if (over > 0) {
      Fds.closeAll(fds, 0, n);
      throw new FdOverflowException(n + over, maxFds);
    }
    if (n == 0) {
      return UnixChannel.NO_FDS;
    }
    int[] r = new int[n];
    System.arraycopy(fds, 0, r, 0, n);
    return r;
  }
}
