package net.vdpa.api.pmd;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtio-net device driven from user space over its passthrough handle: one queue pair, polled.
 * The burst methods are meant for one polling thread; they allocate nothing, take no lock and
 * never throw once the port runs. When the device is taken back (the release request of the
 * handle), the next burst closes the port and returns 0; from then on {@link #state()} says why.
 */
@ProviderType
public interface PmdPort extends AutoCloseable {

  /** Where a port stands. */
  enum State {
    /** Moving frames. */
    RUNNING,
    /** Closed by its user, or by itself when the device was asked back in time. */
    CLOSED,
    /** The driver revoked the handle before the port let go. */
    REVOKED
  }

  /**
   * The device the port drives.
   *
   * @return the device name
   */
  String device();

  /**
   * Who started the port.
   *
   * @return the owner
   */
  String owner();

  /**
   * The port's state.
   *
   * @return the state
   */
  State state();

  /**
   * Receives up to {@code max} frames ({@code rte_eth_rx_burst}); the caller owns the mbufs.
   *
   * @param pkts where the mbufs go, from index 0
   * @param max at most this many, at most {@code pkts.length}
   * @return how many were received; 0 when none waits or the port no longer runs
   */
  int rxBurst(Mbuf[] pkts, int max);

  /**
   * Sends up to {@code count} frames ({@code rte_eth_tx_burst}); the port owns the mbufs it took
   * and frees them once the device used them.
   *
   * @param pkts the mbufs, from index 0, each with its {@link Mbuf#length()} set
   * @param count how many
   * @return how many the port took; the rest stay the caller's (the ring was full)
   */
  int txBurst(Mbuf[] pkts, int count);

  /**
   * Takes a free mbuf ({@code rte_pktmbuf_alloc}).
   *
   * @return an mbuf, or null if none is free
   */
  Mbuf alloc();

  /**
   * Gives an mbuf back ({@code rte_pktmbuf_free}).
   *
   * @param m an mbuf of this port the caller owns
   */
  void free(Mbuf m);

  /**
   * The port's counters.
   *
   * @return a snapshot (approximate while another thread polls)
   */
  PmdStats stats();

  /** Resets the device, closes the handle and the container. Idempotent. */
  @Override
  void close();
}
