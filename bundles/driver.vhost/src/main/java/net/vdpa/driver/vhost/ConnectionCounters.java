package net.vdpa.driver.vhost;

import java.util.Map;
import java.util.TreeMap;
import net.vdpa.api.vhost.ConnectionStats;

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
   * The totals, with a run still going added in.
   *
   * @param frontend who the connection is with
   * @param live the running device's counters by vring (not yet added), or an empty map
   * @param endReason why the connection ended, or null while it is open
   * @return the totals
   */
  ConnectionStats snapshot(String frontend, Map<Integer, Map<String, Long>> live, String endReason) {
    ConnectionCounters sum = new ConnectionCounters();
    totals.forEach(sum::add);
    live.forEach(sum::add);
    return new ConnectionStats(frontend, endReason == null, endReason, sum.totals);
  }

  /**
   * The totals for a log line: {@code vring 0 rx_bytes 12120 rx_packets 202; vring 1 ...}, or
   * {@code nothing moved}.
   *
   * @return the text
   */
  String describe() {
    return new ConnectionStats("", true, null, totals).describe();
  }
}
