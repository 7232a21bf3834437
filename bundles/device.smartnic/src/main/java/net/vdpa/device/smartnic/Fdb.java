package net.vdpa.device.smartnic;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The forwarding database of the legacy switch: which port a MAC address (in a VLAN) was last seen
 * on, forgotten after the ageing time (Linux's bridge FDB, {@code ageing_time} 300 s by default).
 *
 * <p>An open-addressed table with linear probing over two {@link AtomicLongArray}s, so that the
 * switching path neither allocates nor locks on a lookup or a refresh: a key word ({@code 1 << 63 |
 * vlan << 48 | mac}, 0 for a never-used slot) and a value word ({@code port << 48 | last seen in
 * milliseconds}, the top bit set for a static entry). Slots are never emptied: an aged entry is reused by the next address that probes
 * past it, and a lookup stops at the first never-used slot, so no address is hidden by a reuse.
 *
 * <p>Static entries are the functions' own addresses, installed when a device appears on a function
 * and moved when its driver changes the address, as mlx5's legacy eswitch programs each vport's MAC:
 * they never age, and a frame from another port with that source address does not move them.
 *
 * <p>Thread-safe: many workers learn and look up at once. Lookups and the common learning case (an
 * address seen again on its port within a second) only read; every write holds the table's lock,
 * so a slot has one writer at a time and an address one slot. A lookup reads the key again after
 * the value, so a slot given to another address meanwhile never answers for the old one.
 */
final class Fdb {
  /** Linux's default ageing time. */
  static final long DEFAULT_AGEING_MILLIS = 300_000;
  private static final long USED = 1L << 63;
  private static final long MAC_MASK = 0xffff_ffff_ffffL;
  private static final long TIME_MASK = (1L << 48) - 1;

  /** An entry is written again when its time is older than this (fewer writes on the hot path). */
  static final long REFRESH_MILLIS = 1_000;
  /** A value that has aged whatever the time (the top bit of the time field set). */
  private static final long STALE = 1L << 47;
  private static final long STATIC = 1L << 63;
  private static final int PORT_MASK = 0x7fff;

  private final int mask;
  private final AtomicLongArray keys;
  private final AtomicLongArray values;
  private final long ageingMillis;

  /**
   * An empty table.
   *
   * @param capacity slots, a power of two
   * @param ageingMillis how long an address is remembered after it was last seen
   */
  Fdb(int capacity, long ageingMillis) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("fdb capacity " + capacity + " is not a power of two");
    }
    this.mask = capacity - 1;
    this.keys = new AtomicLongArray(capacity);
    this.values = new AtomicLongArray(capacity);
    this.ageingMillis = ageingMillis;
  }

  private static long key(long mac, int vlan) {
    return USED | ((long) vlan << 48) | (mac & MAC_MASK);
  }

  private int home(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 40) & mask;
  }

  /**
   * Remembers that an address was seen on a port now. Allocation-free; takes the table's lock only
   * when something changes (a new address, a moved one, or a time older than {@link #REFRESH_MILLIS}).
   *
   * @param mac the source address
   * @param vlan the VLAN (0: untagged)
   * @param port the port it came in on
   * @param nowMillis the time
   * @return false if the table is full of live entries (the address is then flooded to, not learnt)
   */
  boolean learn(long mac, int vlan, int port, long nowMillis) {
    final long k = key(mac, vlan);
    for (int n = 0, i = home(k); n <= mask; n++, i = (i + 1) & mask) {
      final long cur = keys.get(i);
      if (cur == k) {
        final long v = values.get(i);
        if (v < 0 || ((int) (v >>> 48) == port && ((nowMillis - v) & TIME_MASK) < REFRESH_MILLIS)) {
          // static entries are not moved by what a port sends
          return true;
        }
        break;
      }
      if (cur == 0) {
        break;
      }
    }
    return learnLocked(k, ((long) port << 48) | (nowMillis & TIME_MASK), nowMillis);
  }

  /** Every write to the table happens here, so a slot has one writer at a time. */
  private synchronized boolean learnLocked(long k, long v, long nowMillis) {
    int reuse = -1;
    for (int n = 0, i = home(k); n <= mask; n++, i = (i + 1) & mask) {
      final long cur = keys.get(i);
      if (cur == k) {
        if (values.get(i) >= 0 || v < 0) {
          values.set(i, v);
        }
        return true;
      }
      if (cur == 0) {
        if (reuse < 0) {
          reuse = i;
        }
        break;
      }
      if (reuse < 0 && expired(values.get(i), nowMillis)) {
        reuse = i;
      }
    }
    if (reuse < 0) {
      return false;
    }
    // an aged marker first, then the key, then the value: a lookup that read the old key and then
    // reads the key again (see lookup) never takes the new value for the old address
    values.set(reuse, STALE);
    keys.set(reuse, k);
    values.set(reuse, v);
    return true;
  }

  /**
   * Installs a function's own address on its port; it stays until {@link #removeStatic}.
   *
   * @param mac the address
   * @param vlan the VLAN
   * @param port the port
   * @param nowMillis the time (which learnt entries have aged, so that their slots may be reused)
   * @return false if the table is full of live entries
   */
  boolean addStatic(long mac, int vlan, int port, long nowMillis) {
    return learnLocked(key(mac, vlan), STATIC | ((long) port << 48), nowMillis);
  }

  /**
   * Removes a static address if it is on that port (it then ages at once).
   *
   * @param mac the address
   * @param vlan the VLAN
   * @param port the port
   */
  synchronized void removeStatic(long mac, int vlan, int port) {
    final long k = key(mac, vlan);
    for (int n = 0, i = home(k); n <= mask; n++, i = (i + 1) & mask) {
      final long cur = keys.get(i);
      if (cur == 0) {
        return;
      }
      if (cur == k) {
        final long v = values.get(i);
        if (v < 0 && ((int) (v >>> 48) & PORT_MASK) == port) {
          values.set(i, STALE | ((long) port << 48));
        }
        return;
      }
    }
  }

  private boolean expired(long value, long nowMillis) {
    if (value < 0) {
      return false;
    }
    return ((nowMillis - value) & TIME_MASK) > ageingMillis;
  }

  /**
   * The port an address was last seen on, if that was within the ageing time. Allocation-free.
   *
   * @param mac the destination address
   * @param vlan the VLAN
   * @param nowMillis the time
   * @return the port, or -1 if unknown or aged
   */
  int lookup(long mac, int vlan, long nowMillis) {
    final long k = key(mac, vlan);
    for (int n = 0, i = home(k); n <= mask; n++, i = (i + 1) & mask) {
      final long cur = keys.get(i);
      if (cur == 0) {
        return -1;
      }
      if (cur == k) {
        final long v = values.get(i);
        if (keys.get(i) != k || expired(v, nowMillis)) {
          // the slot was given to another address meanwhile, or the entry aged
          return -1;
        }
        return (int) (v >>> 48) & PORT_MASK;
      }
    }
    return -1;
  }

  /**
   * Forgets every address learnt on a port (the port went away or changed its VLAN).
   *
   * @param port the port
   */
  synchronized void flush(int port) {
    for (int i = 0; i <= mask; i++) {
      final long v = values.get(i);
      if (keys.get(i) != 0 && ((int) (v >>> 48) & PORT_MASK) == port) {
        // aged at once: the slot is reused as any aged one
        values.set(i, STALE | ((long) port << 48));
      }
    }
  }

  /**
   * The live entries, for {@code bridge fdb show}-like views (control plane; allocates).
   *
   * @param nowMillis the time
   * @return entries as {mac, vlan, port, age in ms or -1 if static}
   */
  java.util.List<long[]> entries(long nowMillis) {
    java.util.List<long[]> out = new java.util.ArrayList<>();
    for (int i = 0; i <= mask; i++) {
      final long k = keys.get(i);
      final long v = values.get(i);
      if (k != 0 && !expired(v, nowMillis)) {
        out.add(new long[] {k & MAC_MASK, (k >>> 48) & 0xfff, (v >>> 48) & PORT_MASK, v < 0 ? -1 : (nowMillis - v) & TIME_MASK});
      }
    }
    return out;
  }
}
