package net.vdpa.driver.vhost;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.VqState;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.unix.Fds;
import net.vdpa.unix.UnixChannel;

/**
 * One vhost-user frontend connection driving one device. The frontend's requests update a shadow
 * of the rings ({@link VringState}) and the memory table; after each request {@link #reconcile()}
 * decides whether the device should run and with which rings, and (re)programs it: reset, features,
 * DMA map of every region at its guest-physical address, rings at their translated addresses and
 * saved bases, DRIVER_OK. So frontends may send requests in any order the specification allows.
 *
 * <p>A protocol error (malformed request, wrong state, bad address) is answered with an error when
 * a reply was asked for, logged with its reason, and ends the connection; the device is reset.
 *
 * <p>Deadlines: a frontend must send SET_OWNER within the handshake timeout; a begun message must
 * arrive whole, and a reply be read, within the message timeout. Whether a frontend is idle is told
 * by its kicks and by buffers moving on its rings, never by control messages, which cost it nothing.
 *
 * <p>Threads: {@link #run()} is the connection's thread; {@link #revoke(String)} may come from any
 * thread: it shuts the socket down first (which wakes the reader and any blocked reply) and then
 * tears down under the session's monitor, which guards every field. The socket is closed by the
 * connection's thread when it leaves.
 */
final class VhostUserSession implements Runnable {
  /**
   * Device features the backend can pass on: net device features (MQ only where the device can take
   * the backend's control queue) and transport bits, packed rings included.
   */
  static final long PASSED_FEATURES = bits(VirtioNet.F_CSUM, VirtioNet.F_GUEST_CSUM, VirtioNet.F_MTU,
      VirtioNet.F_MAC, VirtioNet.F_MRG_RXBUF, VirtioNet.F_STATUS, VirtioNet.F_MQ, VirtioNet.F_INDIRECT_DESC,
      VirtioNet.F_EVENT_IDX, VirtioNet.F_VERSION_1, VirtioNet.F_RING_PACKED);
  private static final long ACCESS_PLATFORM = 1L << VirtioNet.F_ACCESS_PLATFORM;
  private static final long MQ = 1L << VirtioNet.F_MQ;
  private static final long CTRL_VQ = 1L << VirtioNet.F_CTRL_VQ;
  private static final long PACKED = 1L << VirtioNet.F_RING_PACKED;
  private static final long PROTOCOL_FEATURES = 1L << Message.F_PROTOCOL_FEATURES;
  /** The protocol features implemented; CONFIG is offered only when the settings ask for it. */
  static final long PROTOCOL_IMPLEMENTED =
      bits(Message.PF_MQ, Message.PF_REPLY_ACK, Message.PF_CONFIG, Message.PF_STATUS);

  private final VdpaDevice device;
  private final Connection conn;
  private final Log log;
  private final String who;
  private final Consumer<VhostUserSession> onEnd;
  private final Message msg;
  private final VringState[] rings;
  private final long offered;
  /** The protocol features offered: those implemented, CONFIG only if configured. */
  private final long protocolOffered;
  /** The device's queue pairs as the frontend sees them (its config's max_virtqueue_pairs with MQ). */
  private final int pairs;
  private final Settings settings;
  private final MemoryPolicy memoryPolicy;
  private final long connectedAt = System.nanoTime();
  /** When the current handshake began: at connect, and again at RESET_OWNER; guarded by {@code this}. */
  private long handshakeStart = connectedAt;
  /** Buffers the device took from started rings, summed over samples; guarded by {@code this}. */
  private long progress;
  /** When the frontend last kicked or moved a buffer; any thread reads it. */
  private volatile long lastActivity = connectedAt;
  /** The activity total at the last sample; guarded by {@code this}. */
  private long lastActivityTotal;
  /** When activity was last sampled; connection thread. */
  private long lastSample = connectedAt;
  /** What the device counted for this connection across its resets; guarded by {@code this}. */
  private final ConnectionCounters counters = new ConnectionCounters();
  /** A warning about unsealed memory went out on this connection; guarded by {@code this}. */
  private boolean warnedUnsealed;

  private boolean owner;
  private boolean featuresSet;
  private long features;
  private long protocol;
  private boolean protocolSet;
  private int frontendStatus;
  private MemoryTable mem;
  private boolean running;
  private boolean ended;
  private String endReason;
  /** The connection's totals once it ended; guarded by {@code this}. */
  private ConnectionStats finalStats;

  /**
   * A session; {@link #run()} serves it.
   *
   * @param device the device, which this session owns
   * @param conn the connection
   * @param log where events go
   * @param who the frontend's name for log lines
   * @param settings deadlines and memory policy
   * @param runtimeUid the runtime's user id
   * @param onEnd called once by the connection's thread when the session has ended: the device is
   *     reset, the memory unmapped and the socket closed
   */
  VhostUserSession(VdpaDevice device, Connection conn, Log log, String who, Settings settings, int runtimeUid,
      Consumer<VhostUserSession> onEnd) {
    this.device = device;
    this.conn = conn;
    this.log = log;
    this.who = who;
    this.onEnd = onEnd;
    this.msg = conn.message();
    this.settings = settings;
    this.memoryPolicy = new MemoryPolicy(runtimeUid, conn.peer().uid(), settings.strictMemory());
    this.pairs = ShadowControl.queuePairs(device);
    int n = 2 * pairs;
    this.rings = new VringState[n];
    for (int i = 0; i < n; i++) {
      rings[i] = new VringState(i);
    }
    long passed = PASSED_FEATURES;
    if (!ShadowControl.usable(device)) {
      passed &= ~MQ;
    }
    this.offered = (device.deviceFeatures() & passed) | PROTOCOL_FEATURES;
    this.protocolOffered = settings.offerConfig() ? PROTOCOL_IMPLEMENTED
        : PROTOCOL_IMPLEMENTED & ~(1L << Message.PF_CONFIG);
  }

  private static long bits(int... bits) {
    long v = 0;
    for (int b : bits) {
      v |= 1L << b;
    }
    return v;
  }

  /**
   * The features offered to frontends for a device.
   *
   * @return feature bits, PROTOCOL_FEATURES included
   */
  long offeredFeatures() {
    return offered;
  }

  /**
   * The frontend's name for log lines.
   *
   * @return {@code vhost-user frontend pid N uid U}
   */
  String who() {
    return who;
  }

  @Override
  public void run() {
    String reason = "frontend closed the connection";
    try {
      while (true) {
        if (!awaitMessage()) {
          continue;
        }
        if (!conn.read()) {
          break;
        }
        synchronized (this) {
          if (ended) {
            reason = endReason;
            break;
          }
          try {
            handle();
          } finally {
            Fds.closeAll(msg.fds);
            msg.fds = UnixChannel.NO_FDS;
          }
        }
      }
    } catch (ProtocolException e) {
      reason = "protocol error: " + e.getMessage();
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } catch (InterruptedIOException e) {
      reason = e.getMessage();
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } catch (IOException e) {
      synchronized (this) {
        reason = ended ? endReason : "connection failed: " + e.getMessage();
      }
    } catch (RuntimeException e) {
      reason = "backend failed on " + msg + ": " + e;
      log.warn("device " + device.name() + ": " + who + " " + reason + "; connection closed, device reset");
    } finally {
      end(reason);
      Fds.closeAll(msg.fds);
      msg.fds = UnixChannel.NO_FDS;
      conn.close();
      // last: the device is reset, its memory unmapped and every descriptor closed
      onEnd.accept(this);
    }
  }

  /**
   * Waits up to a second for the next message, keeping the handshake deadline and sampling
   * activity meanwhile.
   *
   * @return true if a message (or the end of stream) is there
   * @throws ProtocolException if the handshake deadline passed
   * @throws IOException if the socket was shut down
   */
  private boolean awaitMessage() throws IOException, ProtocolException {
    long now = System.nanoTime();
    int wait = 1000;
    boolean handshakeDone;
    long since;
    synchronized (this) {
      handshakeDone = owner;
      since = handshakeStart;
    }
    if (!handshakeDone) {
      long left = settings.handshakeMillis() - (now - since) / 1_000_000L;
      if (left <= 0) {
        throw new ProtocolException("no SET_OWNER within " + settings.handshakeMillis()
            + " ms of connecting (handshake_timeout_ms)");
      }
      wait = (int) Math.min(wait, left);
    }
    if (now - lastSample >= 1_000_000_000L) {
      lastSample = now;
      sampleActivity();
    }
    return conn.awaitMessage(wait);
  }

  /** Notes the time if the frontend kicked or buffers moved since the last sample. */
  private synchronized void sampleActivity() {
    if (ended) {
      return;
    }
    long total = 0;
    for (VringState r : rings) {
      total += r.notifications();
      if (r.kick != null) {
        total += r.kick.kicks();
      }
      if (r.started) {
        // what the device took since the last sample; a new base set by a control message is not progress
        // a packed ring's index wraps at its size: a whole lap between samples looks like none,
        // which only delays noticing activity (kicks count too)
        int avail = device.getVqState(r.index).lastAvailIdx();
        progress += packed() ? Math.floorMod(avail - r.seenAvail, r.num) : (avail - r.seenAvail) & 0xffff;
        r.seenAvail = avail;
      }
    }
    total += progress;
    if (total != lastActivityTotal) {
      lastActivityTotal = total;
      lastActivity = System.nanoTime();
    }
  }

  /**
   * How long the frontend has gone without kicking or moving a buffer (control messages do not
   * count). Any thread.
   *
   * @return milliseconds since the last activity, or since connecting
   */
  long idleMillis() {
    sampleActivity();
    return (System.nanoTime() - lastActivity) / 1_000_000L;
  }

  /**
   * Whether the frontend has hung up (its teardown is then imminent). Any thread.
   *
   * @return true if its end of the socket is closed
   */
  boolean peerHungUp() {
    synchronized (this) {
      if (ended) {
        return true;
      }
    }
    return conn.peerHungUp();
  }

  /**
   * Ends the session now: shuts the socket down, stops the kick threads, resets the device, unmaps
   * the frontend's memory. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  void revoke(String reason) {
    conn.shutdown();
    end(reason);
  }

  private synchronized void end(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    endReason = reason;
    conn.shutdown();
    try {
      stopDevice();
      device.reset();
      device.setConfigCallback(null);
      for (VringState r : rings) {
        r.clear();
      }
      releaseMemory();
    } finally {
      finalStats = counters.snapshot(who, Map.of(), reason);
      log.info("device " + device.name() + ": " + who + " disconnected (" + reason + "); this connection: "
          + finalStats.describe());
    }
  }

  /**
   * What the device counted for this connection so far, the current run included. Any thread.
   *
   * @return the totals; once the session ended, its final totals
   */
  synchronized ConnectionStats stats() {
    if (finalStats != null) {
      return finalStats;
    }
    Map<Integer, Map<String, Long>> live = new TreeMap<>();
    if (running) {
      for (VringState r : rings) {
        if (r.started) {
          live.put(r.index, device.vendorVqStats(r.index));
        }
      }
    }
    return counters.snapshot(who, live, null);
  }

  /**
   * Whether the device runs now (tests).
   *
   * @return true after DRIVER_OK was set for the frontend
   */
  synchronized boolean running() {
    return running;
  }

  // ---------------------------------------------------------------- requests

  private void handle() throws IOException, ProtocolException {
    final Message m = msg;
    boolean replied = false;
    try {
      replied = dispatch(m);
    } catch (ProtocolException e) {
      Fds.closeAll(m.fds);
      m.fds = UnixChannel.NO_FDS;
      if (m.needReply() && ack()) {
        conn.replyU64(m.request, 1);
      }
      throw e;
    }
    if (!replied && m.needReply() && ack()) {
      conn.replyU64(m.request, 0);
    }
  }

  private boolean ack() {
    return (protocol & (1L << Message.PF_REPLY_ACK)) != 0;
  }

  /** Handles one request; true if it sent its own reply. */
  private boolean dispatch(Message m) throws IOException, ProtocolException {
    final ByteBuffer p = m.payload;
    switch (m.request) {
      case Message.GET_FEATURES -> {
        expect(m, 0, 0);
        conn.replyU64(m.request, offered);
        return true;
      }
      case Message.SET_FEATURES -> {
        expect(m, 8, 0);
        long f = p.getLong(0);
        if ((f & ~offered) != 0) {
          throw new ProtocolException("SET_FEATURES 0x" + Long.toHexString(f) + " has bits not offered: 0x"
              + Long.toHexString(f & ~offered));
        }
        boolean changed = !featuresSet || f != features;
        features = f;
        featuresSet = true;
        if (changed && running) {
          stopDevice();
        }
      }
      case Message.SET_OWNER -> {
        expect(m, 0, 0);
        owner = true;
      }
      case Message.RESET_OWNER -> {
        expect(m, 0, 0);
        resetAll();
        return false;
      }
      case Message.GET_PROTOCOL_FEATURES -> {
        expect(m, 0, 0);
        conn.replyU64(m.request, protocolOffered);
        return true;
      }
      case Message.SET_PROTOCOL_FEATURES -> {
        expect(m, 8, 0);
        long f = p.getLong(0);
        if ((f & ~protocolOffered) != 0) {
          throw new ProtocolException("SET_PROTOCOL_FEATURES 0x" + Long.toHexString(f) + " has bits not offered: 0x"
              + Long.toHexString(f & ~protocolOffered));
        }
        protocol = f;
        protocolSet = true;
      }
      case Message.GET_QUEUE_NUM -> {
        expect(m, 0, 0);
        needProtocol(m, Message.PF_MQ, "MQ");
        // queue pairs, as QEMU's queues= and DPDK's vhost library count them for a network device
        conn.replyU64(m.request, pairs);
        return true;
      }
      case Message.SET_MEM_TABLE -> {
        needOwner(m);
        if (m.size > 8 + MemoryTable.MAX_REGIONS * MemoryTable.REGION_BYTES) {
          throw new ProtocolException("SET_MEM_TABLE payload of " + m.size + " bytes is longer than "
              + MemoryTable.MAX_REGIONS + " regions");
        }
        int[] regionFds = m.fds;
        m.fds = UnixChannel.NO_FDS;
        MemoryTable table = MemoryTable.parse(p, m.size, regionFds, memoryPolicy);
        stopDevice();
        device.reset();
        releaseMemory();
        mem = table;
        for (VringState r : rings) {
          if (r.addrSet) {
            checkRingAddresses(r);
          }
        }
        log.info("device " + device.name() + ": " + who + " mapped " + table.size() + " memory region(s), "
            + table.bytes() + " bytes (" + table.describe() + ")");
        List<Integer> unsealed = table.unsealed();
        if (!unsealed.isEmpty() && !warnedUnsealed) {
          warnedUnsealed = true;
          log.warn("device " + device.name() + ": " + who + " shares memory that cannot be sealed against shrinking"
              + " (regions " + unsealed + "); accepted because it runs as the runtime's own user, but shrinking it"
              + " would crash the runtime (set strict_memory to refuse)");
        }
      }
      case Message.SET_VRING_NUM -> {
        VringState r = ringState(m);
        int num = p.getInt(4);
        // a packed ring may have any size; the device checks again at start
        if (num < 1 || num > device.vqNumMax() || (!packed() && Integer.bitCount(num) != 1)) {
          throw new ProtocolException("SET_VRING_NUM " + Integer.toUnsignedString(num) + " for vring " + r.index
              + " is not " + (packed() ? "in" : "a power of two in") + " 1.." + device.vqNumMax());
        }
        stopRing(r);
        r.num = num;
        if (r.addrSet && mem != null) {
          checkRingAddresses(r);
        }
      }
      case Message.SET_VRING_ADDR -> {
        needOwner(m);
        expect(m, 40, 0);
        int idx = p.getInt(0);
        VringState r = ring(m, idx);
        int flags = p.getInt(4);
        if ((flags & ~1) != 0) {
          throw new ProtocolException("SET_VRING_ADDR flags 0x" + Integer.toHexString(flags) + " for vring " + idx
              + " has unknown bits");
        }
        if ((flags & 1) != 0) {
          throw new ProtocolException("SET_VRING_ADDR asks for dirty logging on vring " + idx
              + ", but LOG_ALL was not negotiated");
        }
        stopRing(r);
        r.descUva = p.getLong(8);
        r.usedUva = p.getLong(16);
        r.availUva = p.getLong(24);
        r.addrSet = true;
        if (mem != null && r.num > 0) {
          checkRingAddresses(r);
        }
      }
      case Message.SET_VRING_BASE -> {
        VringState r = ringState(m);
        int base = p.getInt(4);
        // a packed ring's base carries the used index and wrap counter in bits 16-31
        if (!packed() && (base < 0 || base > 0xffff)) {
          throw new ProtocolException("SET_VRING_BASE " + Integer.toUnsignedString(base) + " for vring " + r.index
              + " is not a 16-bit index");
        }
        stopRing(r);
        r.base = base;
      }
      case Message.GET_VRING_BASE -> {
        VringState r = ringState(m);
        stopRing(r);
        r.kickSet = false;
        r.setKick(null);
        ByteBuffer out = conn.replyPayload();
        out.putInt(r.index).putInt(r.base);
        conn.reply(m.request);
        reconcile();
        return true;
      }
      case Message.SET_VRING_KICK, Message.SET_VRING_CALL, Message.SET_VRING_ERR -> {
        needOwner(m);
        if (m.size != 8) {
          throw new ProtocolException(Message.name(m.request) + " payload is " + m.size + " bytes, expected 8");
        }
        long v = p.getLong(0);
        if ((v & ~(Message.VRING_IDX_MASK | Message.VRING_NOFD)) != 0) {
          throw new ProtocolException(Message.name(m.request) + " value 0x" + Long.toHexString(v)
              + " has bits other than the index and NOFD");
        }
        boolean nofd = (v & Message.VRING_NOFD) != 0;
        if (m.fds.length != (nofd ? 0 : 1)) {
          throw new ProtocolException(Message.name(m.request) + " " + (nofd ? "with NOFD" : "without NOFD")
              + " came with " + m.fds.length + " fds");
        }
        VringState r = ring(m, (int) (v & Message.VRING_IDX_MASK));
        if (!nofd) {
          checkEventFd(m, m.fds[0], r);
        }
        int fd = nofd ? -1 : m.fds[0];
        m.fds = UnixChannel.NO_FDS;
        if (m.request == Message.SET_VRING_KICK) {
          stopRing(r);
          r.setKick(new KickThread(device, r.index, fd, log, "vhost-kick-" + device.name() + "-" + r.index));
          r.kickSet = true;
        } else if (m.request == Message.SET_VRING_CALL) {
          r.setCall(fd);
        } else {
          r.setErr(fd);
        }
      }
      case Message.SET_VRING_ENABLE -> {
        VringState r = ringState(m);
        int on = p.getInt(4);
        if (on != 0 && on != 1) {
          throw new ProtocolException("SET_VRING_ENABLE " + Integer.toUnsignedString(on) + " for vring " + r.index
              + " is not 0 or 1");
        }
        // QEMU sends this once PROTOCOL_FEATURES is offered, before SET_FEATURES negotiates it: the
        // flag is kept, and it gates the ring only if PROTOCOL_FEATURES ends up negotiated
        if (!(on == 1) && r.started) {
          stopRing(r);
        }
        r.enabled = on == 1;
      }
      case Message.GET_CONFIG -> {
        needProtocol(m, Message.PF_CONFIG, "CONFIG");
        if (m.size < 12) {
          throw new ProtocolException("GET_CONFIG payload is " + m.size + " bytes, shorter than 12");
        }
        int offset = p.getInt(0);
        int size = p.getInt(4);
        expect(m, 12 + size, 0);
        if (offset < 0 || size < 0 || (long) offset + size > device.configSize()) {
          throw new ProtocolException("GET_CONFIG of " + Integer.toUnsignedString(size) + " bytes at offset "
              + Integer.toUnsignedString(offset) + " leaves the " + device.configSize() + "-byte config space");
        }
        ByteBuffer out = conn.replyPayload();
        out.putInt(offset).putInt(size).putInt(p.getInt(8));
        int at = out.position();
        device.getConfig(offset, out.slice(at, size).order(out.order()));
        out.position(at + size);
        conn.reply(m.request);
        return true;
      }
      case Message.SET_CONFIG -> {
        needProtocol(m, Message.PF_CONFIG, "CONFIG");
        if (m.size < 12) {
          throw new ProtocolException("SET_CONFIG payload is " + m.size + " bytes, shorter than 12");
        }
        int offset = p.getInt(0);
        int size = p.getInt(4);
        expect(m, 12 + size, 0);
        if (offset < 0 || size < 0 || (long) offset + size > device.configSize()) {
          throw new ProtocolException("SET_CONFIG of " + Integer.toUnsignedString(size) + " bytes at offset "
              + Integer.toUnsignedString(offset) + " leaves the " + device.configSize() + "-byte config space");
        }
        try {
          device.setConfig(offset, p.slice(12, size));
        } catch (UnsupportedOperationException e) {
          // a refusal, not a protocol error: the connection stays
          log.warn("device " + device.name() + ": " + who + " SET_CONFIG refused: " + e.getMessage());
          if (m.needReply() && ack()) {
            conn.replyU64(m.request, 1);
          }
          return true;
        }
      }
      case Message.SET_STATUS -> {
        needProtocol(m, Message.PF_STATUS, "STATUS");
        expect(m, 8, 0);
        long s = p.getLong(0);
        if (s < 0 || s > 0xff) {
          throw new ProtocolException("SET_STATUS 0x" + Long.toHexString(s) + " is not a status byte");
        }
        frontendStatus = (int) s;
        if (s == 0) {
          stopDevice();
          device.reset();
        }
      }
      case Message.GET_STATUS -> {
        needProtocol(m, Message.PF_STATUS, "STATUS");
        expect(m, 0, 0);
        int s = frontendStatus;
        if (running) {
          s |= device.status() & (VirtioStatus.DEVICE_NEEDS_RESET);
        }
        conn.replyU64(m.request, s);
        return true;
      }
      default -> throw new ProtocolException(Message.name(m.request) + " is not implemented by this backend"
          + (m.request >= 1 && m.request <= 50 ? " (its feature was not offered)" : " (unknown request)"));
    }
    reconcile();
    return false;
  }

  /** Kick, call and error descriptors must be eventfds, used without blocking. */
  private static void checkEventFd(Message m, int fd, VringState r) throws ProtocolException {
    if (!Fds.isEventFd(fd)) {
      throw new ProtocolException(Message.name(m.request) + " for vring " + r.index + " came with a descriptor that is"
          + " not an eventfd");
    }
    try {
      Fds.setNonBlocking(fd);
    } catch (IOException e) {
      throw new ProtocolException(Message.name(m.request) + " for vring " + r.index + ": " + e.getMessage());
    }
  }

  private void releaseMemory() {
    if (mem != null) {
      List<String> failed = mem.release();
      mem = null;
      if (!failed.isEmpty()) {
        log.warn("device " + device.name() + ": " + who + " memory not unmapped: " + failed);
      }
    }
  }

  private void expect(Message m, int size, int fds) throws ProtocolException {
    if (m.size != size) {
      throw new ProtocolException(Message.name(m.request) + " payload is " + m.size + " bytes, expected " + size);
    }
    if (m.fds.length != fds) {
      throw new ProtocolException(Message.name(m.request) + " came with " + m.fds.length + " fds, expected " + fds);
    }
  }

  private void needOwner(Message m) throws ProtocolException {
    if (!owner) {
      throw new ProtocolException(Message.name(m.request) + " before SET_OWNER");
    }
  }

  private void needProtocol(Message m, int bit, String name) throws ProtocolException {
    if ((protocol & (1L << bit)) == 0) {
      throw new ProtocolException(Message.name(m.request) + " without the " + name
          + " protocol feature negotiated (protocol features 0x" + Long.toHexString(protocol) + ")");
    }
  }

  /** A {@code {u32 index, u32 num}} request's ring. */
  private VringState ringState(Message m) throws ProtocolException {
    needOwner(m);
    expect(m, 8, 0);
    return ring(m, m.payload.getInt(0));
  }

  private VringState ring(Message m, int idx) throws ProtocolException {
    if (idx < 0 || idx >= rings.length) {
      throw new ProtocolException(Message.name(m.request) + " vring index " + Integer.toUnsignedString(idx)
          + " is outside 0.." + (rings.length - 1));
    }
    return rings[idx];
  }

  private void checkRingAddresses(VringState r) throws ProtocolException {
    if (r.num == 0) {
      return;
    }
    // before SET_FEATURES the layout is not known: check what both layouts need (a packed ring's
    // areas are the smaller), and the exact layout again when the device starts
    long[] sizes = r.areaSizes(!featuresSet || packed());
    long[] uvas = {r.descUva, r.availUva, r.usedUva};
    String[] names = packed() ? new String[] {"descriptor ring", "driver event area", "device event area"}
        : new String[] {"descriptor table", "available ring", "used ring"};
    for (int i = 0; i < 3; i++) {
      if (mem.uvaToGpa(uvas[i], sizes[i]) < 0) {
        throw new ProtocolException("vring " + r.index + " " + names[i] + " at uva 0x" + Long.toHexString(uvas[i])
            + " (" + sizes[i] + " bytes) is not inside the memory table");
      }
    }
    if (!mem.writable(r.usedUva, sizes[2])) {
      throw new ProtocolException("vring " + r.index + " " + names[2] + " at uva 0x" + Long.toHexString(r.usedUva)
          + " lies in memory the frontend shared read-only; the device must write it");
    }
    if (packed() && !mem.writable(r.descUva, sizes[0])) {
      throw new ProtocolException("vring " + r.index + " descriptor ring at uva 0x" + Long.toHexString(r.descUva)
          + " lies in memory the frontend shared read-only; the device must write it");
    }
  }

  private void resetAll() {
    stopDevice();
    device.reset();
    for (VringState r : rings) {
      r.clear();
    }
    releaseMemory();
    featuresSet = false;
    features = 0;
    protocol = 0;
    protocolSet = false;
    frontendStatus = 0;
    owner = false;
    handshakeStart = System.nanoTime();
  }

  // ---------------------------------------------------------------- device programming

  private void stopRing(VringState r) {
    if (r.started) {
      stopDevice();
    }
  }

  /** Saves each running ring's base and resets the device. */
  private void stopDevice() {
    if (!running) {
      return;
    }
    running = false;
    try {
      if (device.supportsSuspend()) {
        device.suspend();
      }
      for (VringState r : rings) {
        if (r.started) {
          r.save(device.getVqState(r.index), packed());
          counters.add(r.index, device.vendorVqStats(r.index));
        }
      }
    } catch (RuntimeException e) {
      log.warn("device " + device.name() + ": could not save ring state on stop: " + e.getMessage());
    } finally {
      for (VringState r : rings) {
        r.started = false;
      }
      device.reset();
    }
  }

  /** Starts or restarts the device with the rings that are ready. */
  private void reconcile() throws ProtocolException {
    boolean needEnable = (features & PROTOCOL_FEATURES) != 0;
    boolean statusGate = (protocol & (1L << Message.PF_STATUS)) != 0;
    boolean any = false;
    boolean changed = false;
    for (VringState r : rings) {
      boolean ready = r.ready(needEnable);
      any |= ready;
      changed |= ready != r.started;
    }
    boolean want = owner && featuresSet && mem != null && any
        && (!statusGate || (frontendStatus & VirtioStatus.DRIVER_OK) != 0);
    if (running && (!want || changed)) {
      stopDevice();
    }
    if (!running && want) {
      startDevice(needEnable);
    }
  }

  private void startDevice(boolean needEnable) throws ProtocolException {
    boolean mq = (features & MQ) != 0;
    // with MQ the device also gets the backend's own control queue (see ShadowControl)
    long f = (features & ~PROTOCOL_FEATURES) | (device.deviceFeatures() & ACCESS_PLATFORM) | (mq ? CTRL_VQ : 0);
    boolean packed = packed();
    try {
      device.reset();
      device.setConfigCallback(this::configChanged);
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
      device.setDriverFeatures(f);
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
      mem.mapInto(device);
      int enabledPairs = 0;
      for (VringState r : rings) {
        if (!r.ready(needEnable)) {
          continue;
        }
        checkRingAddresses(r);
        long[] sizes = r.areaSizes(packed);
        device.setVqNum(r.index, r.num);
        device.setVqAddress(r.index, mem.uvaToGpa(r.descUva, sizes[0]), mem.uvaToGpa(r.availUva, sizes[1]),
            mem.uvaToGpa(r.usedUva, sizes[2]));
        device.setVqState(r.index, r.deviceState(packed));
        device.setVqCallback(r.index, r);
        device.setVqReady(r.index, true);
        r.started = true;
        r.seenAvail = device.getVqState(r.index).lastAvailIdx();
        enabledPairs = Math.max(enabledPairs, r.index / 2 + 1);
      }
      ShadowControl control = mq ? ShadowControl.setUp(device, pairs, mem.gpaEnd(), packed, f) : null;
      device.setStatus(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK
          | VirtioStatus.DRIVER_OK);
      if (control != null) {
        control.setPairs(enabledPairs);
      }
      running = true;
      StringBuilder started = new StringBuilder();
      for (VringState r : rings) {
        if (r.started) {
          started.append(started.length() == 0 ? "" : ", ").append(r.index).append(" (base ")
              .append(packed ? "0x" + Integer.toHexString(r.base) : Integer.toString(r.base)).append(')');
        }
      }
      log.info("device " + device.name() + ": " + who + " started, features 0x" + Long.toHexString(f) + " ("
          + VirtioNet.featureNames(f) + "), " + (packed ? "packed" : "split") + " vrings " + started
          + (control == null ? "" : ", " + enabledPairs + " of " + pairs + " queue pairs"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      for (VringState r : rings) {
        r.started = false;
      }
      device.reset();
      throw new ProtocolException("device " + device.name() + " refused the frontend's set-up: " + e.getMessage());
    }
  }

  private boolean packed() {
    return featuresSet && (features & PACKED) != 0;
  }

  /** Device thread: the device changed its config or status; a ring error ends the session. */
  private void configChanged() {
    if ((device.status() & VirtioStatus.DEVICE_NEEDS_RESET) != 0) {
      log.warn("device " + device.name() + ": " + who + " broke a ring (device needs reset); connection closed");
      // shut down only: the connection thread tears down, this device thread must not reset its own device
      conn.shutdown();
    }
  }
}
