package net.vdpa.karaf;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local addresses this machine's TCP sockets listen on for a port, as Linux lists them in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}: which interfaces a server really accepts on,
 * whatever it advertises. Every listener of every process is there, so it sees another JVM's
 * server; an IPv4 address on a dual-stack socket reads as itself ({@code ::ffff:127.0.0.1} is
 * {@code 127.0.0.1}), the wildcard as {@code 0.0.0.0} or {@code ::}.
 */
final class ListeningSockets {
  private static final String LISTEN = "0A";

  private ListeningSockets() {
  }

  /** The addresses listening on {@code port}, IPv4 table first. */
  static List<InetAddress> on(int port) throws IOException {
    List<InetAddress> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals(LISTEN) && Integer.parseInt(local[1], 16) == port) {
          found.add(address(local[0]));
        }
      }
    }
    return found;
  }

  /** The kernel prints each 32-bit word of the address in host order (little-endian here). */
  private static InetAddress address(String hex) throws IOException {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        b[word + i] = (byte) Integer.parseInt(hex.substring(2 * (word + 3 - i), 2 * (word + 4 - i)), 16);
      }
    }
    return InetAddress.getByAddress(b);
  }
}
