package net.vdpa.device.core.net;

/**
 * Which receive queue a frame arriving at a multi-queue device goes to: the queue pair of the same
 * number as the sender's (modulo the pairs in use) until the driver configures RSS, then the queue
 * its {@link RssConfig} picks. Also keeps the number of pairs in use, which VQ_PAIRS_SET and
 * RSS_CONFIG set; VQ_PAIRS_SET turns RSS off again, as in QEMU's virtio-net.
 *
 * <p>Stamps every frame it steers with its hash ({@link Frame#setHash}) for HASH_REPORT, so that a
 * frame is hashed once for both: RSS_CONFIG's hash when RSS is on, else HASH_CONFIG's (hashing
 * without steering), else none. RSS_CONFIG and HASH_CONFIG replace each other, as in QEMU;
 * VQ_PAIRS_SET ends RSS (and with it its hash) but keeps a HASH_CONFIG hash.
 *
 * <p>Written by the control queue's worker, read by any worker: each field is one volatile value.
 */
public final class RxSteering {
  private volatile int activePairs = 1;
  private volatile RssConfig rss;
  private volatile RxHash hashOnly;

  /**
   * The queue pair for a frame.
   *
   * @param senderPair the pair it was sent from (or any stable number for frames from outside)
   * @param frame the frame
   * @return a pair below the device's pairs
   */
  public int pairFor(int senderPair, Frame frame) {
    final RssConfig r = rss;
    if (r != null) {
      final long h = r.hash(frame);
      frame.setHash(h);
      return r.queueFor(h);
    }
    final RxHash h = hashOnly;
    frame.setHash(h != null ? h.hash(frame) : RxHash.NONE);
    return senderPair % activePairs;
  }

  /**
   * The queue pairs in use.
   *
   * @return 1 or more
   */
  public int activePairs() {
    return activePairs;
  }

  /**
   * The RSS configuration in force.
   *
   * @return it, or null while frames follow their sender's pair
   */
  public RssConfig rss() {
    return rss;
  }

  /**
   * VQ_PAIRS_SET: the pairs in use; RSS off.
   *
   * @param pairs the pairs asked for
   * @param max the most the negotiated features allow
   * @return false (and nothing changed) if out of 1..max
   */
  public boolean setActivePairs(int pairs, int max) {
    if (pairs < 1 || pairs > max) {
      return false;
    }
    rss = null;
    activePairs = pairs;
    return true;
  }

  /**
   * RSS_CONFIG: steer by the configuration; its transmit pairs are the pairs in use.
   *
   * @param config a configuration checked against the device's pairs
   */
  public void setRss(RssConfig config) {
    activePairs = config.txPairs();
    hashOnly = null;
    rss = config;
  }

  /**
   * HASH_CONFIG: hash frames for HASH_REPORT without steering them; RSS off.
   *
   * @param hash the configured hash
   */
  public void setHashConfig(RxHash hash) {
    rss = null;
    hashOnly = hash;
  }

  /** Device reset: one pair, no RSS, no hash. */
  public void reset() {
    rss = null;
    hashOnly = null;
    activePairs = 1;
  }
}
