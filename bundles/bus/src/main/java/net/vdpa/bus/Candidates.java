package net.vdpa.bus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.vdpa.api.VdpaDriver;
import net.vdpa.api.dto.DeviceDTO.Placement;

/**
 * The bus's choice of driver for a device, as pure logic: which drivers are candidates and in
 * which order they are tried.
 *
 * <p>Who may be tried: with an override or a {@code bind}, only drivers of that name that score
 * above 0; by autoprobe, every driver scoring above {@link VdpaDriver#MATCH_ON_REQUEST} (a driver
 * scoring exactly that takes devices only when asked by name: user-space drivers must not grab a
 * NIC whose usual driver is away for a moment). Order: higher score first, higher {@code
 * service.ranking} next, lower {@code service.id} last (the first registered wins a full tie, as in
 * the OSGi service registry).
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
   * @param named the driver asked for by override or bind, or null for autoprobe
   * @return those to try, in order
   */
  static List<Scored> rank(List<Scored> scored, String named) {
    List<Scored> out = new ArrayList<>(scored.size());
    for (Scored s : scored) {
      if (named == null ? autoprobes(s) : s.score() > 0 && named.equals(s.driver().name)) {
        out.add(s);
      }
    }
    out.sort(ORDER);
    return out;
  }

  /** Whether autoprobe may pick this driver: it scores above "on request only". */
  static boolean autoprobes(Scored s) {
    return s.score() > VdpaDriver.MATCH_ON_REQUEST;
  }

  /**
   * How a device is matched when the bus asks with {@code named}.
   *
   * @param named the override or bound driver's name, or null
   * @param bind whether the name comes from a bind
   * @return the placement a successful probe gives
   */
  static Placement placement(String named, boolean bind) {
    return named == null ? Placement.AUTOPROBE : bind ? Placement.BIND : Placement.OVERRIDE;
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
    StringBuilder onRequest = new StringBuilder();
    for (Scored s : scored) {
      if (s.score() > 0) {
        onRequest.append(onRequest.length() == 0 ? "" : ", ").append(s.driver().name);
      }
    }
    if (onRequest.length() > 0) {
      return "no driver takes it by autoprobe (" + onRequest + " on request only: bind or driver override)" + notes;
    }
    return "no driver matches" + notes;
  }
}
