package net.vdpa.driver.vhost;

/**
 * What the backend accepts of frontend memory it cannot seal against shrinking. A shrunk file under
 * a live mapping turns the next access into SIGBUS, which kills the whole JVM: every device, driver
 * and the shell. Sealed memory (F_SEAL_SHRINK) cannot shrink. Memory that cannot be sealed is
 * refused from a frontend running as another user; from the runtime's own user (who could signal the
 * runtime anyway) it is accepted with a warning, unless {@code strict} refuses it too.
 *
 * @param runtimeUid the user the runtime runs as
 * @param peerUid the frontend's user, from the socket's peer credentials
 * @param strict refuse unsealable memory from every frontend
 */
record MemoryPolicy(int runtimeUid, int peerUid, boolean strict) {
  /**
   * Why an unsealable region is refused, or null if it is accepted.
   *
   * @return the reason, or null
   */
  String refusalForUnsealable() {
    if (peerUid != runtimeUid) {
      return "the frontend runs as uid " + Integer.toUnsignedString(peerUid) + ", not as the runtime's uid "
          + Integer.toUnsignedString(runtimeUid) + ", so memory it could shrink is refused";
    }
    if (strict) {
      return "strict_memory is set, so memory the frontend could shrink is refused";
    }
    return null;
  }
}
