package net.vdpa.driver.vhost;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one owner a vhost device has at a time: an in-process handle or a vhost-user frontend, like
 * the exclusive open of {@code /dev/vhost-vdpa-N}. Lock-free.
 */
final class OwnerSlot {
  private final AtomicReference<String> owner = new AtomicReference<>();

  /**
   * Takes the slot.
   *
   * @param who the new owner's name
   * @return null if taken, else the name of the owner already there
   */
  String acquire(String who) {
    while (true) {
      if (owner.compareAndSet(null, who)) {
        return null;
      }
      String current = owner.get();
      if (current != null) {
        return current;
      }
    }
  }

  /**
   * Gives the slot back if {@code who} holds it.
   *
   * @param who the owner's name
   */
  void release(String who) {
    owner.compareAndSet(who, null);
  }

  /**
   * The current owner.
   *
   * @return its name, or empty
   */
  Optional<String> owner() {
    return Optional.ofNullable(owner.get());
  }
}
