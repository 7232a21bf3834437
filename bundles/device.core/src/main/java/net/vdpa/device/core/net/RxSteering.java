package net.vdpa.device.core.net;

/**
 * Which receive queue a frame arriving at a multi-queue device goes to: the queue pair of the same
 * number as the sender's (modulo the pairs in use) until the driver configures RSS, then the queue
 * its {@link RssConfig} picks. Also keeps the number of pairs in use, which VQ_PAIRS_SET and
 * RSS_CONFIG set; VQ_PAIRS_SET turns RSS off again, as in QEMU's virtio-net.
 *
 * <p>Written by the control queue's worker, read by any worker: each field is one volatile value.
 */
public final class RxSteering {
  private volatile int activePairs = 1;
  private volatile RssConfig rss;

  /**
   * The queue pair for a frame.
   *
   * @param senderPair the pair it was sent from (or any stable number for frames from outside)
   * @param frame the frame
   * @return a pair below the device's pairs
   */
  public int pairFor(int senderPair, Frame frame) {
    final RssConfig r = rss;
    return r != null ? r.queueFor(frame) : senderPair % activePairs;
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
    rss = config;
  }

  /** Device reset: one pair, no RSS. */
  public void reset() {
    rss = null;
    activePairs = 1;
  }
}
