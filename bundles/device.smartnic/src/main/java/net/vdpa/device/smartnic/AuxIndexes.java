package net.vdpa.device.smartnic;

import java.util.BitSet;

/**
 * The auxiliary device indices of SFs ({@code auxiliary/smartnic.sf.N}), unique across every adapter
 * of the bundle as the kernel's auxiliary bus makes them: the lowest free one from 1, or the one an
 * SF had before a restart.
 *
 * <p>Thread-safe: guarded by this object's lock.
 */
final class AuxIndexes {
  private final BitSet used = new BitSet();

  /**
   * Takes the lowest free index.
   *
   * @return an index from 1
   */
  synchronized int next() {
    int i = used.nextClearBit(1);
    used.set(i);
    return i;
  }

  /**
   * Takes a kept index again, or the lowest free one if another SF holds it now.
   *
   * @param index the kept index
   * @return the index taken
   */
  synchronized int claim(int index) {
    if (index >= 1 && !used.get(index)) {
      used.set(index);
      return index;
    }
    return next();
  }

  /**
   * Gives an index back.
   *
   * @param index the index
   */
  synchronized void release(int index) {
    used.clear(index);
  }
}
