package net.vdpa.api.net;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.SortedMap;
import net.vdpa.api.MacAddress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A network interface, the class a network driver publishes once it holds a device (Linux's
 * netdev, such as {@code vnet0}). Registered as a service with {@link #PROP_NAME}, {@link #PROP_MAC}
 * and {@link #PROP_DEVICE}; the service goes away before the device is reset, so a sender sees
 * {@link #send} return {@link SendResult#DOWN} or the service vanish, never an exception.
 *
 * <p>Sending copies the frame into a transmit buffer and returns without waiting. Receiving is
 * either pushed ({@link #setReceiver}, on the receive thread), pulled a frame at a time into the
 * caller's buffer ({@link #receive}), or polled in bursts on the caller's thread ({@link #poll}).
 */
@ProviderType
public interface NetInterface {
  /** Service property: the interface name. */
  String PROP_NAME = "net.name";
  /** Service property: the MAC address, {@code 00:11:22:33:44:55}. */
  String PROP_MAC = "net.mac";
  /** Service property: the vDPA device the interface sits on. */
  String PROP_DEVICE = "vdpa.device.name";

  /** What became of a frame handed to {@link #send}. */
  enum SendResult {
    /** Queued for transmission. */
    SENT,
    /** The transmit ring is full; try again after the device has caught up. Counted as nothing. */
    BUSY,
    /** The interface is going or gone, or the link is down. Counted as a tx drop. */
    DOWN,
    /** The frame is shorter than an Ethernet header or longer than MTU + 14. Counted as a tx error. */
    INVALID
  }

  /**
   * The interface name, for example {@code vnet0}.
   *
   * @return the name
   */
  String name();

  /**
   * The vDPA device it sits on.
   *
   * @return the device name
   */
  String device();

  /**
   * The MAC address.
   *
   * @return the address
   */
  MacAddress mac();

  /**
   * The MTU: the largest payload after the 14-byte Ethernet header.
   *
   * @return bytes
   */
  int mtu();

  /**
   * Whether the link is up (from the device's config space, when it reports status).
   *
   * @return true if up
   */
  boolean linkUp();

  /**
   * The number of queue pairs in use.
   *
   * @return at least 1
   */
  int queuePairs();

  /**
   * Sends a frame on the queue pair chosen by hashing its addresses (so one flow keeps its order).
   *
   * @param frame an Ethernet frame, destination MAC first, without FCS, from position to limit; the
   *     buffer's position is not changed
   * @return the outcome
   */
  SendResult send(ByteBuffer frame);

  /**
   * Sends a frame on a given queue pair.
   *
   * @param queuePair 0 to {@link #queuePairs()} - 1
   * @param frame as for {@link #send(ByteBuffer)}
   * @return the outcome
   * @throws IllegalArgumentException if the queue pair does not exist
   */
  SendResult send(int queuePair, ByteBuffer frame);

  /**
   * Sends several frames on one queue pair as one burst: they are copied into transmit buffers in
   * order, made available to the device with one publication, and the device is notified at most
   * once (DPDK's {@code rte_eth_tx_burst}, Linux's {@code xmit_more}). A sender that has frames
   * queued up should use this: the per-publication cost of a virtqueue is shared by the whole burst.
   *
   * <p>Frames are taken from {@code frames[offset]} on. A frame shorter than an Ethernet header or
   * longer than MTU + 14 is counted as a tx error and skipped (it counts as taken). Taking stops
   * when the transmit ring is full; the frames not taken are untouched, to be sent again later.
   *
   * @param queuePair 0 to {@link #queuePairs()} - 1
   * @param frames Ethernet frames as for {@link #send(ByteBuffer)}; positions are not changed
   * @param offset the first frame to send
   * @param count how many frames to send
   * @return how many frames were taken (sent, or skipped as invalid), from 0 (the ring is full) to
   *     {@code count}; -1 if the interface is going or gone or its link is down, in which case all
   *     {@code count} frames are counted as tx drops
   * @throws IllegalArgumentException if the queue pair does not exist
   * @throws IndexOutOfBoundsException if {@code offset} and {@code count} do not fit {@code frames}
   * @throws NullPointerException if a frame to send is null; the frames before it are sent
   */
  int send(int queuePair, ByteBuffer[] frames, int offset, int count);

  /**
   * Takes the next received frame of a queue pair, when no receiver is set.
   *
   * @param queuePair the queue pair
   * @param dst where the frame is copied, from its position
   * @return the frame length, or -1 if none is waiting; a frame longer than {@code dst} has room
   *     for is dropped and counted, and -2 returned
   */
  int receive(int queuePair, ByteBuffer dst);

  /**
   * Takes up to {@code budget} received frames of a queue pair on the calling thread, hands each
   * to {@code receiver} in arrival order, and gives their receive buffers back to the device: the
   * poll-mode loop of a thread the caller owns (Linux's NAPI poll with its budget, DPDK's
   * {@code rte_eth_rx_burst}), with no receive thread in between. Meant for an interface with no
   * receiver set (with one set, each frame goes to whichever takes it first). The frame buffer is
   * valid only during the receiver's call, as with {@link #setReceiver} (virtio-net hands over the
   * receive buffer itself when the frame fits one); a {@link HashReceiver} gets each frame's
   * reported hash. A frame the receiver throws on is counted as dropped: it uses the budget and
   * does not count in the return value.
   *
   * @param queuePair the queue pair
   * @param receiver who gets the frames, on this thread, before this method returns
   * @param budget the most frames to take (none when 0 or less, as DPDK's burst of 0)
   * @return how many frames the receiver took, 0 if none was waiting or the interface is gone
   * @throws IllegalArgumentException if the queue pair does not exist
   * @throws NullPointerException if {@code receiver} is null
   * @since 1.4
   */
  int poll(int queuePair, FrameReceiver receiver, int budget);

  /**
   * Sets who receives frames as they arrive, on the receive threads; {@code null} returns to
   * polling with {@link #receive}. A {@link HashReceiver} also gets each frame's reported hash
   * where the device reports hashes (virtio-net's HASH_REPORT).
   *
   * @param receiver the receiver, or null
   */
  void setReceiver(FrameReceiver receiver);

  /**
   * Counters of the whole interface.
   *
   * @return a snapshot
   */
  NetStats stats();

  /**
   * Counters of one queue pair.
   *
   * @param queuePair the queue pair
   * @return a snapshot
   */
  NetStats stats(int queuePair);

  /**
   * Frames received on one queue pair per kind of hash the device reported for them (HASH_REPORT);
   * empty where the device reports no hashes. Frames taken by {@link #receive} polling count too.
   *
   * @param queuePair the queue pair
   * @return counts by kind, only kinds seen, in {@link HashReport} order; a snapshot
   * @since 1.3
   */
  default SortedMap<HashReport, Long> hashReports(int queuePair) {
    return Collections.emptySortedMap();
  }
}
