package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SortedMap;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.NetStats;

/** The output of the {@code net} commands. Pure functions. */
final class NetFormat {
  private NetFormat() {}

  /** One interface for {@code net:show}. */
  record Iface(String name, String device, String mac, int mtu, boolean linkUp, int queuePairs) {}

  static String show(List<Iface> list) {
    StringBuilder s = new StringBuilder();
    for (Iface i : list) {
      s.append(s.length() == 0 ? "" : "\n").append(i.name()).append(": device ").append(i.device()).append(" mac ")
          .append(i.mac()).append(" mtu ").append(i.mtu()).append(" link ").append(i.linkUp() ? "up" : "down")
          .append(" queue_pairs ").append(i.queuePairs());
    }
    return s.toString();
  }

  /** {@code net:stats}: text, or under {@code -j} {@code {"stats":{IF:{counters..., "queue_pairs":[{"queue_pair":0, counters...}]}}}}. */
  static String stats(String name, NetStats total, List<NetStats> pairs, VdpaFormat.Style style) {
    return stats(name, total, pairs, List.of(), style);
  }

  /**
   * {@code net:stats} with each pair's frames per reported hash kind (HASH_REPORT), where there are
   * any: {@code rx_hash_udpv4 N} after a pair's counters, {@code "rx_hash":{"UDPV4":N}} in JSON.
   */
  static String stats(String name, NetStats total, List<NetStats> pairs, List<SortedMap<HashReport, Long>> hashes,
      VdpaFormat.Style style) {
    if (style.json()) {
      Map<String, Object> o = counterMap(total);
      List<Object> each = new ArrayList<>();
      for (int p = 0; p < pairs.size(); p++) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("queue_pair", p);
        q.putAll(counterMap(pairs.get(p)));
        if (p < hashes.size() && !hashes.get(p).isEmpty()) {
          Map<String, Object> h = new LinkedHashMap<>();
          hashes.get(p).forEach((kind, n) -> h.put(kind.name(), n));
          q.put("rx_hash", h);
        }
        each.add(q);
      }
      o.put("queue_pairs", each);
      return Json.write(Map.of("stats", Map.of(name, o)), style.pretty());
    }
    return text(name, total, pairs, hashes);
  }

  private static Map<String, Object> counterMap(NetStats n) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("rx_packets", n.rxPackets());
    o.put("rx_bytes", n.rxBytes());
    o.put("rx_dropped", n.rxDropped());
    o.put("tx_packets", n.txPackets());
    o.put("tx_bytes", n.txBytes());
    o.put("tx_dropped", n.txDropped());
    o.put("tx_errors", n.txErrors());
    return o;
  }

  static String stats(String name, NetStats total, List<NetStats> pairs) {
    return text(name, total, pairs, List.of());
  }

  private static String text(String name, NetStats total, List<NetStats> pairs, List<SortedMap<HashReport, Long>> hashes) {
    StringBuilder s = new StringBuilder(name).append(':').append(counters(total));
    for (int p = 0; p < pairs.size(); p++) {
      s.append("\n  queue_pair ").append(p).append(':').append(counters(pairs.get(p)));
      if (p < hashes.size()) {
        hashes.get(p).forEach((kind, n) -> s.append(" rx_hash_").append(kind.name().toLowerCase(Locale.ROOT))
            .append(' ').append(n));
      }
    }
    return s.toString();
  }

  private static String counters(NetStats n) {
    return " rx_packets " + n.rxPackets() + " rx_bytes " + n.rxBytes() + " rx_dropped " + n.rxDropped()
        + " tx_packets " + n.txPackets() + " tx_bytes " + n.txBytes() + " tx_dropped " + n.txDropped()
        + " tx_errors " + n.txErrors();
  }

  /** The summary of a traffic check. */
  static String traffic(String from, String to, int size, long sent, long received, long nanos) {
    double secs = Math.max(nanos, 1) / 1e9;
    double fps = received / secs;
    double gbps = fps * size * 8 / 1e9;
    return String.format(Locale.ROOT, "%s -> %s: sent %d received %d lost %d size %d in %.3f s (%.0f frames/s, %.3f Gbit/s)",
        from, to, sent, received, sent - received, size, secs, fps, gbps);
  }
}
