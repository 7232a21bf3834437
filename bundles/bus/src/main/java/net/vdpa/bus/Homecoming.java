package net.vdpa.bus;

import java.util.Optional;
import java.util.function.Supplier;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.dto.DeviceDTO.Stay;

/**
 * Pure logic: when a driver comes back to the bus, does a device that had to leave it (because it
 * went away) go back to it, or stay with the driver that holds it now, and why.
 *
 * <p>A device goes back only if the bus put it where it is on its own (autoprobe), the returning
 * driver ranks above the holder for this device, and no user holds it open through the holder. A
 * user's choice (an override, a {@code bind}) and a user's open handle both outrank the bus's
 * preference: moving a device someone is using, or chose, is not the bus's call.
 */
final class Homecoming {

  /** The outcome for one device. */
  sealed interface Decision permits GoBack, Stays, NotBetter {}

  /** Take it from its holder and offer it to the returning driver. */
  record GoBack() implements Decision {}

  /**
   * Leave it with its holder.
   *
   * @param stay the kind of reason
   * @param words the reason as the bus listing shows it
   */
  record Stays(Stay stay, String words) implements Decision {}

  /** The returning driver does not rank above the holder (any more): nothing to do, nothing to say. */
  record NotBetter() implements Decision {}

  private Homecoming() {}

  /**
   * Decides for one bound device.
   *
   * @param placement how the device came to its holder
   * @param holder the name of the driver holding it
   * @param returning the name of the driver that came back
   * @param better whether the returning driver ranks above the holder for this device (score, then
   *     ranking, then service id, as autoprobe would choose)
   * @param busy asks the holder whether a user holds the device open; asked only when it matters
   * @return the decision
   */
  static Decision decide(Placement placement, String holder, String returning, boolean better,
      Supplier<Optional<String>> busy) {
    if (placement == Placement.OVERRIDE) {
      return new Stays(Stay.PLACED_BY_OVERRIDE, "placed on " + holder + " by driver override");
    }
    if (placement == Placement.BIND) {
      return new Stays(Stay.PLACED_BY_BIND, "placed on " + holder + " by bind");
    }
    if (!better) {
      return new NotBetter();
    }
    Optional<String> inUse = busy.get();
    if (inUse.isPresent()) {
      return new Stays(Stay.IN_USE, "in use through " + holder + ": " + inUse.get());
    }
    return new GoBack();
  }
}
