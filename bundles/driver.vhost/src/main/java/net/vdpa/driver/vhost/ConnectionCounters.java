package net.vdpa.driver.vhost;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the device counted for one frontend connection, summed over every time the device ran for
 * it: the device's own counters restart at each reset (a frontend that reconfigures its rings resets
 * the device), so the session adds them up before each reset and reports the total when the
 * frontend leaves. Guarded by the session's monitor.
 */
final class ConnectionCounters {
  /** Totals by vring, then by counter name. */
  private final Map<Integer, Map<String, Long>> totals = new TreeMap<>();

  /**
   * Adds one run's counters of a vring.
   *
   * @param vq the vring index
   * @param stats the device's counters for it
   */
  void add(int vq, Map<String, Long> stats) {
    Map<String, Long> t = totals.computeIfAbsent(vq, k -> new TreeMap<>());
    stats.forEach((k, v) -> {
      if (v != null && v != 0) {
        t.merge(k, v, Long::sum);
      }
    });
  }

  /**
   * The totals for a log line: {@code vring 0 rx_bytes 12120 rx_packets 202; vring 1 ...}, or
   * {@code nothing moved}.
   *
   * @return the text
   */
  String describe() {
    StringBuilder s = new StringBuilder();
    totals.forEach((vq, t) -> {
      if (t.isEmpty()) {
        return;
      }
      s.append(s.length() == 0 ? "" : "; ").append("vring ").append(vq);
      t.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v));
    });
    return s.length() == 0 ? "nothing moved" : s.toString();
  }
}
