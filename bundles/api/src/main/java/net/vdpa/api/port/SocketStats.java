package net.vdpa.api.port;

import java.util.EnumMap;
import java.util.Map;

/**
 * What a UDP or stream wire carried since it was plugged in, and its peer now.
 *
 * @param peer the peer's address now: a UDP wire's remote, a stream's connected peer, or null while
 *     a stream has none
 * @param txFrames frames sent on the socket
 * @param txBytes their bytes (Ethernet frames, without the stream's length prefixes)
 * @param rxFrames whole frames received from the socket (of the right size; those the port's device
 *     did not take are also counted as {@link SocketDrop#NOT_RECEIVING})
 * @param rxBytes their bytes
 * @param connects connections made or accepted (stream), 0 for UDP
 * @param disconnects connections lost or closed because of a bad length (stream)
 * @param drops frames dropped, by reason; every reason is present
 */
public record SocketStats(String peer, long txFrames, long txBytes, long rxFrames, long rxBytes, long connects,
    long disconnects, Map<SocketDrop, Long> drops) {
  /** Copies the drops, with every reason present. */
  public SocketStats {
    EnumMap<SocketDrop, Long> all = new EnumMap<>(SocketDrop.class);
    for (SocketDrop d : SocketDrop.values()) {
      Long v = drops == null ? null : drops.get(d);
      all.put(d, v == null ? 0L : v);
    }
    drops = java.util.Collections.unmodifiableMap(all);
  }

  /**
   * Drops for one reason.
   *
   * @param reason the reason
   * @return the count
   */
  public long drops(SocketDrop reason) {
    return drops.get(reason);
  }
}
