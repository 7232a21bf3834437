package net.vdpa.api.vhost;

import java.util.Map;
import java.util.TreeMap;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a device counted for one vhost-user frontend connection, summed over every time the device
 * ran while that frontend was connected: the device's own counters restart whenever the frontend
 * reconfigures its rings (which resets the device), and are gone when it leaves; these totals are
 * kept for the connection, and for the last connection after it ended.
 *
 * @param frontend who it was ({@code vhost-user frontend pid N uid U})
 * @param connected true while the frontend is still connected
 * @param endReason why it ended, or null while connected
 * @param vrings totals by vring index, then by counter name ({@code rx_packets}, ...); zero counters left out
 */
@ProviderType
public record ConnectionStats(String frontend, boolean connected, String endReason,
    Map<Integer, Map<String, Long>> vrings) {

  /** Copies the totals into sorted, unmodifiable maps. */
  public ConnectionStats {
    Map<Integer, Map<String, Long>> copy = new TreeMap<>();
    vrings.forEach((vq, counters) -> copy.put(vq, java.util.Collections.unmodifiableMap(new TreeMap<>(counters))));
    vrings = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * The totals as one line: {@code vring 0 rx_bytes 12120 rx_packets 202; vring 1 ...}, or
   * {@code nothing moved}.
   *
   * @return the text
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    vrings.forEach((vq, t) -> {
      if (t.isEmpty()) {
        return;
      }
      s.append(s.length() == 0 ? "" : "; ").append("vring ").append(vq);
      t.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v));
    });
    return s.length() == 0 ? "nothing moved" : s.toString();
  }
}
