package net.vdpa.unix;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code struct sockaddr_un}: where a Unix socket binds or connects. */
final class SockAddr {
  private SockAddr() {}

  /**
   * A {@code struct sockaddr_un} for a path.
   *
   * @param path the path
   * @return native memory the caller closes
   * @throws IOException if the path is too long for a Unix socket
   */
  static Memory of(Path path) throws IOException {
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length > LibC.MAX_PATH_BYTES) {
      throw new IOException("socket path " + path + " is " + p.length + " bytes, longer than the "
          + LibC.MAX_PATH_BYTES + " a Unix socket allows; choose a shorter socket_dir");
    }
    Memory m = new Memory(LibC.SOCKADDR_UN_BYTES);
    m.clear();
    m.setShort(0, (short) LibC.AF_UNIX);
    m.write(2, p, 0, p.length);
    return m;
  }
}
