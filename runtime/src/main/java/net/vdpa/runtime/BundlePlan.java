package net.vdpa.runtime;

import java.util.List;
import java.util.Map;

/**
 * Decides, at each start, what happens to one bundle the runtime jar carries, given the bundles of
 * the same symbolic name the framework cache already holds. The rule, in order:
 *
 * <ol>
 *   <li>The runtime's own copy is installed (it installed it before: its id is in the record): it
 *       stays as it is if the runtime jar still carries the same content ({@link Keep}), so an
 *       {@code update ID FILE} from the shell survives a restart; it is updated from the jar if the
 *       jar's content changed ({@link Update}: a new runtime jar brings its own bundles); it is
 *       installed again if the runtime jar moved ({@link Reinstall}: its location names the old
 *       path).</li>
 *   <li>Otherwise a bundle of the same symbolic name that the user installed from the shell wins
 *       ({@link Yield}): the runtime's copy is not installed beside it, which would clash (same
 *       symbolic name and version) or run the same driver twice. Deleting the cache returns to the
 *       runtime's copy.</li>
 *   <li>Otherwise the runtime's copy is installed ({@link Install}): what the runtime carries is
 *       always there after a start, even if it was uninstalled from the shell before.</li>
 * </ol>
 */
final class BundlePlan {
  /** What to do with one embedded bundle. */
  sealed interface Action permits Install, Keep, Update, Reinstall, Yield {}

  /** Nothing of that name is installed: install the runtime's copy. */
  record Install() implements Action {}

  /** The runtime's copy is installed and current. */
  record Keep(long id) implements Action {}

  /** The runtime's copy is installed but the jar carries other content now. */
  record Update(long id) implements Action {}

  /** The runtime's copy is installed from a location that no longer names this jar. */
  record Reinstall(long id) implements Action {}

  /** A bundle the user installed has the same symbolic name: it is used instead. */
  record Yield(long id, String location) implements Action {}

  /**
   * A bundle in the framework with the embedded bundle's symbolic name.
   *
   * @param id bundle id
   * @param location install location
   */
  record Installed(long id, String location) {}

  private BundlePlan() {}

  /**
   * Decides what to do.
   *
   * @param location the location the runtime installs its copy at
   * @param digest the digest of the copy the runtime jar carries
   * @param sameName the installed bundles with the same symbolic name
   * @param record what the runtime installed before: bundle id to the digest it installed
   */
  static Action decide(String location, String digest, List<Installed> sameName, Map<Long, String> record) {
    for (Installed b : sameName) {
      String installed = record.get(b.id());
      if (installed == null) {
        continue;
      }
      if (!b.location().equals(location)) {
        return new Reinstall(b.id());
      }
      return installed.equals(digest) ? new Keep(b.id()) : new Update(b.id());
    }
    if (!sameName.isEmpty()) {
      Installed user = sameName.get(0);
      return new Yield(user.id(), user.location());
    }
    return new Install();
  }
}
