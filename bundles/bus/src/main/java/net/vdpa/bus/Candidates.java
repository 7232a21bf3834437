package net.vdpa.bus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bus's choice of driver for a device, as pure logic: which drivers are candidates and in
 * which order they are tried.
 *
 * <p>Order: with an override, only drivers of that name; otherwise every driver whose score is
 * above 0. Then higher score first, higher {@code service.ranking} next, lower {@code service.id}
 * last (the first registered wins a full tie, as in the OSGi service registry).
 */
final class Candidates {

  /** A driver and the score it gave one device. */
  record Scored(DriverEntry driver, int score, String note) {}

  /** Orders candidates best first. */
  static final Comparator<Scored> ORDER = Comparator.comparingInt((Scored s) -> s.score()).reversed()
      .thenComparing(Comparator.comparingInt((Scored s) -> s.driver().ranking).reversed())
      .thenComparingLong(s -> s.driver().serviceId);

  private Candidates() {}

  /**
   * The drivers to try, best first.
   *
   * @param scored every driver present with its score (0 for no match)
   * @param override the device's driver override, or null
   * @return those to try, in order
   */
  static List<Scored> rank(List<Scored> scored, String override) {
    List<Scored> out = new ArrayList<>(scored.size());
    for (Scored s : scored) {
      if (s.score() > 0 && (override == null || override.equals(s.driver().name))) {
        out.add(s);
      }
    }
    out.sort(ORDER);
    return out;
  }

  /**
   * Why no driver was tried: for the device's DTO.
   *
   * @param scored every driver present with its score
   * @param override the override, or null
   * @return the reason
   */
  static String whyNone(List<Scored> scored, String override) {
    StringBuilder notes = new StringBuilder();
    boolean overridePresent = false;
    for (Scored s : scored) {
      if (s.note() != null) {
        notes.append("; ").append(s.driver().name).append(": ").append(s.note());
      }
      if (override != null && override.equals(s.driver().name)) {
        overridePresent = true;
      }
    }
    if (override != null) {
      return overridePresent
          ? "driver override '" + override + "' does not match the device (score 0)" + notes
          : "waiting for driver '" + override + "' (driver override; it is not loaded)";
    }
    if (scored.isEmpty()) {
      return "no driver on the bus";
    }
    return "no driver matches" + notes;
  }
}
