package net.vdpa.device.core.net;

import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.VqSlot;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;

/**
 * The virtio-net control queue (virtio 1.2 §5.1.6.5): each chain carries {@code u8 class, u8
 * command, data} device-readable and one device-writable ack byte. Handled: RX PROMISC and
 * ALLMULTI (with CTRL_RX), MAC ADDR_SET (with CTRL_MAC_ADDR), MQ VQ_PAIRS_SET (with MQ), MQ
 * RSS_CONFIG (with RSS: {@link RssConfig}), MQ HASH_CONFIG (with HASH_REPORT: {@link
 * RxHash#parseHashConfig}); anything else is answered CTRL_ERR.
 *
 * <p>Runs on the worker of queue pair 0. Allocation-free.
 */
public final class ControlQueue {
  /** The longest command read (an RSS configuration with the longest table); longer ones are refused. */
  private static final int MAX_COMMAND = 2 + 4 + 2 + 2 + 2 * RssConfig.MAX_TABLE + 2 + 1 + VirtioNet.RSS_KEY_SIZE;

  /** What the control queue changes on its device. */
  public interface Target {
    /**
     * Sets the device's MAC address (filter and config space).
     *
     * @param mac 48 bits
     * @return false if the address is not a unicast address
     */
    boolean setMac(long mac);

    /**
     * Sets the number of queue pairs in use.
     *
     * @param pairs 1 to max_virtqueue_pairs
     * @return false if out of range
     */
    boolean setActivePairs(int pairs);

    /**
     * The device's queue pairs: an RSS configuration names receive queues below.
     *
     * @return max_virtqueue_pairs
     */
    default int maxPairs() {
      return 1;
    }

    /**
     * Steers received frames by an RSS configuration from now on, and transmits on its
     * {@link RssConfig#txPairs()} pairs (RSS_CONFIG has VQ_PAIRS_SET's effect too).
     *
     * @param config the checked configuration
     * @return false if the device does not take it
     */
    default boolean setRss(RssConfig config) {
      return false;
    }

    /**
     * Hashes received frames for HASH_REPORT by this configuration from now on, without steering
     * them (HASH_CONFIG; RSS off).
     *
     * @param hash the checked configuration
     * @return false if the device does not take it
     */
    default boolean setHashConfig(RxHash hash) {
      return false;
    }
  }

  private final VqSlot<QueueStats> slot;
  private final DeviceQueue queue;
  private final RxFilter filter;
  private final Target target;
  private final long features;
  private final DescriptorChain chain = new DescriptorChain(8);
  private final byte[] command = new byte[MAX_COMMAND];
  private final byte[] ack = new byte[1];

  /**
   * Wraps a live control ring.
   *
   * @param slot the control queue's slot
   * @param filter the device's receive filter
   * @param target the device
   * @param features the negotiated features
   */
  public ControlQueue(VqSlot<QueueStats> slot, RxFilter filter, Target target, long features) {
    this.slot = slot;
    this.queue = slot.queue();
    this.filter = filter;
    this.target = target;
    this.features = features;
  }

  /**
   * The queue's slot.
   *
   * @return the slot
   */
  public VqSlot<QueueStats> slot() {
    return slot;
  }

  /**
   * The live ring.
   *
   * @return the device side of the control queue
   */
  public DeviceQueue queue() {
    return queue;
  }

  /**
   * Handles every waiting command.
   *
   * @return true if any was handled
   */
  public boolean process() {
    final QueueStats stats = slot.counters();
    int n = 0;
    while (queue.pop(chain)) {
      n++;
      stats.inc(QueueStats.RECEIVED_DESC);
      stats.inc(QueueStats.CVQ_REQUESTS);
      final int len = (int) Math.min(chain.readableBytes(), MAX_COMMAND + 1L);
      final int ok = len > MAX_COMMAND ? VirtioNet.CTRL_ERR : execute(chain.readTo(command, 0, len));
      stats.inc(ok == VirtioNet.CTRL_OK ? QueueStats.CVQ_SUCCESSES : QueueStats.CVQ_ERRORS);
      ack[0] = (byte) ok;
      final int written = chain.writableBytes() > 0 ? chain.writeFrom(ack, 0, 1) : 0;
      queue.push(chain.id(), written);
      stats.inc(QueueStats.COMPLETED_DESC);
    }
    if (n > 0) {
      queue.publish();
      if (queue.needsNotify()) {
        slot.notifyUsed();
      }
    }
    return n > 0;
  }

  private int execute(int len) {
    if (len < 2) {
      return VirtioNet.CTRL_ERR;
    }
    final int cls = command[0] & 0xff;
    final int cmd = command[1] & 0xff;
    final int data = len - 2;
    if (cls == VirtioNet.CTRL_RX && has(VirtioNet.F_CTRL_RX) && data == 1) {
      final boolean on = command[2] != 0;
      if (cmd == VirtioNet.CTRL_RX_PROMISC) {
        filter.setPromisc(on);
        return VirtioNet.CTRL_OK;
      }
      if (cmd == VirtioNet.CTRL_RX_ALLMULTI) {
        filter.setAllmulti(on);
        return VirtioNet.CTRL_OK;
      }
    } else if (cls == VirtioNet.CTRL_MAC && cmd == VirtioNet.CTRL_MAC_ADDR_SET
        && has(VirtioNet.F_CTRL_MAC_ADDR) && data == 6) {
      long mac = 0;
      for (int i = 0; i < 6; i++) {
        mac = (mac << 8) | (command[2 + i] & 0xffL);
      }
      return target.setMac(mac) ? VirtioNet.CTRL_OK : VirtioNet.CTRL_ERR;
    } else if (cls == VirtioNet.CTRL_MQ && cmd == VirtioNet.CTRL_MQ_VQ_PAIRS_SET && has(VirtioNet.F_MQ)
        && data == 2) {
      final int pairs = (command[2] & 0xff) | (command[3] & 0xff) << 8;
      return target.setActivePairs(pairs) ? VirtioNet.CTRL_OK : VirtioNet.CTRL_ERR;
    } else if (cls == VirtioNet.CTRL_MQ && cmd == VirtioNet.CTRL_MQ_RSS_CONFIG && has(VirtioNet.F_RSS)) {
      final RssConfig config;
      try {
        config = RssConfig.parse(command, 2, data, target.maxPairs());
      } catch (IllegalArgumentException malformed) {
        return VirtioNet.CTRL_ERR; // counted as a cvq error; the configuration in force stays
      }
      return target.setRss(config) ? VirtioNet.CTRL_OK : VirtioNet.CTRL_ERR;
    } else if (cls == VirtioNet.CTRL_MQ && cmd == VirtioNet.CTRL_MQ_HASH_CONFIG && has(VirtioNet.F_HASH_REPORT)) {
      final RxHash hash;
      try {
        hash = RxHash.parseHashConfig(command, 2, data);
      } catch (IllegalArgumentException malformed) {
        return VirtioNet.CTRL_ERR;
      }
      return target.setHashConfig(hash) ? VirtioNet.CTRL_OK : VirtioNet.CTRL_ERR;
    }
    return VirtioNet.CTRL_ERR;
  }

  private boolean has(int bit) {
    return (features & VirtioNet.bit(bit)) != 0;
  }
}
