package net.vdpa.webconsole;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.vdpa.webconsole.ClassService.Counters;

/**
 * Per-device packet and byte rates, from counters read once a second: each sample is the difference
 * to the previous reading divided by the time between them. Keeps the last {@link #HISTORY} rates
 * of each device for the plots. A counter that goes backwards (the service was replaced) starts the
 * device over. Confined to the sampling thread.
 */
final class RateSampler {
  /** How many samples a plot shows. */
  static final int HISTORY = 60;

  private record Reading(long nanos, Counters counters) {}

  /** One device's history: packets per second and bytes per second, oldest first. */
  record Rates(List<Double> pps, List<Double> bps) {}

  private final Map<String, Reading> last = new HashMap<>();
  private final Map<String, ArrayDeque<double[]>> history = new HashMap<>();

  /**
   * Takes one reading of every device that has counters now; devices without one are forgotten.
   *
   * @param now counters by device name
   * @param nanos the reading's time ({@link System#nanoTime()})
   */
  void sample(Map<String, Counters> now, long nanos) {
    last.keySet().retainAll(now.keySet());
    history.keySet().retainAll(now.keySet());
    for (Map.Entry<String, Counters> e : now.entrySet()) {
      Reading before = last.put(e.getKey(), new Reading(nanos, e.getValue()));
      if (before == null || nanos <= before.nanos()) {
        continue;
      }
      long dp = e.getValue().packets() - before.counters().packets();
      long db = e.getValue().bytes() - before.counters().bytes();
      ArrayDeque<double[]> h = history.computeIfAbsent(e.getKey(), k -> new ArrayDeque<>());
      if (dp < 0 || db < 0) {
        h.clear();
        continue;
      }
      double seconds = (nanos - before.nanos()) / 1e9;
      h.addLast(new double[] {dp / seconds, db / seconds});
      if (h.size() > HISTORY) {
        h.removeFirst();
      }
    }
  }

  /** The history of every device that has at least one rate, by device name. */
  Map<String, Rates> rates() {
    Map<String, Rates> out = new TreeMap<>();
    for (Map.Entry<String, ArrayDeque<double[]>> e : history.entrySet()) {
      List<Double> pps = new java.util.ArrayList<>();
      List<Double> bps = new java.util.ArrayList<>();
      for (Iterator<double[]> it = e.getValue().iterator(); it.hasNext(); ) {
        double[] r = it.next();
        pps.add(r[0]);
        bps.add(r[1]);
      }
      if (!pps.isEmpty()) {
        out.put(e.getKey(), new Rates(pps, bps));
      }
    }
    return out;
  }

  /** Rates to a thousandth: the plots need no more, and the page's data stays short. */
  private static List<Double> rounded(List<Double> rates) {
    return rates.stream().map(r -> Math.round(r * 1000) / 1000.0).toList();
  }

  /** {@link #rates()} as the page reads it, to a thousandth: {@code {"vdpa0": {"pps": [...], "bps": [...]}}}. */
  Map<String, Object> ratesJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Rates> e : rates().entrySet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pps", rounded(e.getValue().pps()));
      m.put("bps", rounded(e.getValue().bps()));
      out.put(e.getKey(), m);
    }
    return out;
  }
}
