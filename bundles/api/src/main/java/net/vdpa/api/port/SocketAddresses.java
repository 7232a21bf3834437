package net.vdpa.api.port;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The addresses of a {@link WireKind#UDP} or {@link WireKind#STREAM} wire. A UDP wire has both: it
 * receives on {@code local} and sends to {@code remote}. A stream wire has one: {@code local} when
 * it listens for its peer, {@code remote} when it connects to it.
 *
 * <p>Addresses are resolved when parsed ({@link #address}); a bare port means the loopback
 * interface, so that nothing is reachable from another host unless the user names an address.
 *
 * @param local where the wire binds (UDP, stream listener), else null
 * @param remote where the wire sends or connects (UDP, stream connector), else null
 */
public record SocketAddresses(InetSocketAddress local, InetSocketAddress remote) {
  /** Checks that there is an address and that it is resolved. */
  public SocketAddresses {
    if (local == null && remote == null) {
      throw new IllegalArgumentException("a socket wire needs a local or a remote address");
    }
    for (InetSocketAddress a : new InetSocketAddress[] {local, remote}) {
      if (a != null && (a.isUnresolved() || a.getPort() == 0)) {
        throw new IllegalArgumentException("address " + a + " is unresolved or has port 0");
      }
    }
  }

  /**
   * A UDP wire's addresses.
   *
   * @param local where it receives
   * @param remote where it sends
   * @return the addresses
   */
  public static SocketAddresses udp(InetSocketAddress local, InetSocketAddress remote) {
    return new SocketAddresses(Objects.requireNonNull(local, "local"), Objects.requireNonNull(remote, "remote"));
  }

  /**
   * A stream listener's address.
   *
   * @param local where it listens
   * @return the addresses
   */
  public static SocketAddresses listen(InetSocketAddress local) {
    return new SocketAddresses(Objects.requireNonNull(local, "local"), null);
  }

  /**
   * A stream connector's address.
   *
   * @param remote where it connects
   * @return the addresses
   */
  public static SocketAddresses connect(InetSocketAddress remote) {
    return new SocketAddresses(null, Objects.requireNonNull(remote, "remote"));
  }

  /**
   * Whether a stream wire listens (it has a local address and no remote).
   *
   * @return true for a listener
   */
  public boolean listens() {
    return remote == null;
  }

  /**
   * Parses {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code PORT} (on 127.0.0.1).
   *
   * @param text the address
   * @return the resolved address
   * @throws IllegalArgumentException naming the bad value: not an address, port out of range,
   *     unknown host
   */
  public static InetSocketAddress address(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("address '' is not HOST:PORT or PORT");
    }
    int colon = text.lastIndexOf(':');
    String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0 || (colon >= 0 && host.isEmpty())) {
      throw new IllegalArgumentException("address '" + text + "' is not HOST:PORT, [IPV6]:PORT or PORT");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + text + "': port '" + portText + "' is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("address '" + text + "': port " + port + " is out of range 1..65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address '" + text + "': unknown host " + host);
    }
  }

  /**
   * Writes an address as {@link #address} reads it: {@code 127.0.0.1:5555}, {@code [::1]:5555}.
   *
   * @param a the address
   * @return the text
   */
  public static String text(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
