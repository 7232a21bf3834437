package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.log.EventLog;
import net.vdpa.unix.UnixChannel;

/**
 * The backend's side of the protocol for one connection: what may be asked in which state, and
 * what each request does to the shadow of the rings, the memory table and the negotiation. After
 * each request the {@link DeviceRunner} decides whether the device runs and with which rings, so
 * frontends may send requests in any order the specification allows. Guarded by the session's
 * monitor; replies go out on the connection's thread.
 */
final class RequestHandler {
  private final VdpaDevice device;
  private final Connection conn;
  private final EventLog log;
  private final String who;
  private final VringState[] rings;
  private final RequestParser parser;
  private final DeviceRunner runner;
  private final MemoryPolicy memoryPolicy;
  private final long offered;
  private final long protocolOffered;
  private final int pairs;
  private final Runnable onResetOwner;
  private final Negotiation n = new Negotiation();
  private MemoryTable mem;
  /** A warning about unsealed memory went out on this connection. */
  private boolean warnedUnsealed;

  RequestHandler(VdpaDevice device, Connection conn, EventLog log, String who, VringState[] rings, DeviceRunner runner,
      MemoryPolicy memoryPolicy, long offered, long protocolOffered, int pairs, Runnable onResetOwner) {
    this.device = device;
    this.conn = conn;
    this.log = log;
    this.who = who;
    this.rings = rings;
    this.runner = runner;
    this.memoryPolicy = memoryPolicy;
    this.offered = offered;
    this.protocolOffered = protocolOffered;
    this.pairs = pairs;
    this.onResetOwner = onResetOwner;
    this.parser = new RequestParser(rings.length, device.vqNumMax(), device.configSize());
  }

  boolean owner() {
    return n.owner;
  }

  boolean packed() {
    return n.packed();
  }

  boolean ack() {
    return n.ack();
  }

  /**
   * Checks, parses and applies one message.
   *
   * @param m the message; a descriptor kept is taken out of it
   * @return true if the handler sent its own reply
   * @throws ProtocolException naming what the frontend did wrong
   * @throws IOException if a reply cannot be sent
   */
  boolean handle(Message m) throws IOException, ProtocolException {
    admit(m);
    Request r = parser.parse(m);
    boolean replied = apply(r, m);
    if (!(r instanceof Request.ResetOwner)) {
      runner.reconcile(n, mem, this::checkRingAddresses);
    }
    return replied;
  }

  /** What a request needs before its content matters: ownership, or a negotiated protocol feature. */
  private void admit(Message m) throws ProtocolException {
    switch (m.request) {
      case Message.SET_MEM_TABLE, Message.SET_VRING_NUM, Message.SET_VRING_ADDR, Message.SET_VRING_BASE,
          Message.GET_VRING_BASE, Message.SET_VRING_KICK, Message.SET_VRING_CALL, Message.SET_VRING_ERR,
          Message.SET_VRING_ENABLE -> {
        if (!n.owner) {
          throw new ProtocolException(Message.name(m.request) + " before SET_OWNER");
        }
      }
      case Message.GET_QUEUE_NUM -> needProtocol(m, Message.PF_MQ, "MQ");
      case Message.GET_CONFIG, Message.SET_CONFIG -> needProtocol(m, Message.PF_CONFIG, "CONFIG");
      case Message.GET_STATUS, Message.SET_STATUS -> needProtocol(m, Message.PF_STATUS, "STATUS");
      default -> { }
    }
  }

  private void needProtocol(Message m, int bit, String name) throws ProtocolException {
    if (!n.has(bit)) {
      throw new ProtocolException(Message.name(m.request) + " without the " + name
          + " protocol feature negotiated (protocol features 0x" + Long.toHexString(n.protocol) + ")");
    }
  }

  private boolean apply(Request request, Message m) throws IOException, ProtocolException {
    if (request instanceof Request.GetFeatures) {
      conn.replyU64(m.request, offered);
      return true;
    } else if (request instanceof Request.SetFeatures r) {
      if ((r.features() & ~offered) != 0) {
        throw new ProtocolException("SET_FEATURES 0x" + Long.toHexString(r.features()) + " has bits not offered: 0x"
            + Long.toHexString(r.features() & ~offered));
      }
      boolean changed = !n.featuresSet || r.features() != n.features;
      if (changed) {
        runner.stop(n.packed());
      }
      n.features = r.features();
      n.featuresSet = true;
    } else if (request instanceof Request.SetOwner) {
      n.owner = true;
    } else if (request instanceof Request.ResetOwner) {
      resetAll();
    } else if (request instanceof Request.GetProtocolFeatures) {
      conn.replyU64(m.request, protocolOffered);
      return true;
    } else if (request instanceof Request.SetProtocolFeatures r) {
      if ((r.features() & ~protocolOffered) != 0) {
        throw new ProtocolException("SET_PROTOCOL_FEATURES 0x" + Long.toHexString(r.features())
            + " has bits not offered: 0x" + Long.toHexString(r.features() & ~protocolOffered));
      }
      n.protocol = r.features();
    } else if (request instanceof Request.GetQueueNum) {
      // queue pairs, as QEMU's queues= and DPDK's vhost library count them for a network device
      conn.replyU64(m.request, pairs);
      return true;
    } else if (request instanceof Request.SetMemTable r) {
      setMemTable(r, m);
    } else if (request instanceof Request.SetVringNum r) {
      VringState v = rings[r.index()];
      // a packed ring may have any size; the device checks again at start
      if (!n.packed() && Integer.bitCount(r.num()) != 1) {
        throw new ProtocolException("SET_VRING_NUM " + r.num() + " for vring " + r.index()
            + " is not a power of two in 1.." + device.vqNumMax());
      }
      runner.stopRing(v, n.packed());
      v.num = r.num();
      if (v.addrSet && mem != null) {
        checkRingAddresses(v);
      }
    } else if (request instanceof Request.SetVringAddr r) {
      VringState v = rings[r.index()];
      runner.stopRing(v, n.packed());
      v.descUva = r.desc();
      v.usedUva = r.used();
      v.availUva = r.avail();
      v.addrSet = true;
      if (mem != null && v.num > 0) {
        checkRingAddresses(v);
      }
    } else if (request instanceof Request.SetVringBase r) {
      // a packed ring's base carries the used index and wrap counter in bits 16-31
      if (!n.packed() && (r.base() < 0 || r.base() > 0xffff)) {
        throw new ProtocolException("SET_VRING_BASE " + Integer.toUnsignedString(r.base()) + " for vring "
            + r.index() + " is not a 16-bit index");
      }
      VringState v = rings[r.index()];
      runner.stopRing(v, n.packed());
      v.base = r.base();
    } else if (request instanceof Request.GetVringBase r) {
      VringState v = rings[r.index()];
      runner.stopRing(v, n.packed());
      v.kickSet = false;
      v.setKick(null);
      ByteBuffer out = conn.replyPayload();
      out.putInt(v.index).putInt(v.base);
      conn.reply(m.request);
      return true;
    } else if (request instanceof Request.SetVringFd r) {
      setVringFd(r, m);
    } else if (request instanceof Request.SetVringEnable r) {
      VringState v = rings[r.index()];
      // QEMU sends this once PROTOCOL_FEATURES is offered, before SET_FEATURES negotiates it: the
      // flag is kept, and it gates the ring only if PROTOCOL_FEATURES ends up negotiated
      if (!r.on()) {
        runner.stopRing(v, n.packed());
      }
      v.enabled = r.on();
    } else if (request instanceof Request.GetConfig r) {
      ByteBuffer out = conn.replyPayload();
      out.putInt(r.offset()).putInt(r.size()).putInt(r.flags());
      int at = out.position();
      device.getConfig(r.offset(), out.slice(at, r.size()).order(out.order()));
      out.position(at + r.size());
      conn.reply(m.request);
      return true;
    } else if (request instanceof Request.SetConfig r) {
      try {
        device.setConfig(r.offset(), r.data());
      } catch (UnsupportedOperationException e) {
        // a refusal, not a protocol error: the connection stays
        log.warn("device " + device.name() + ": " + who + " SET_CONFIG refused: " + e.getMessage());
        if (m.needReply() && n.ack()) {
          conn.replyU64(m.request, 1);
        }
        return true;
      }
    } else if (request instanceof Request.SetStatus r) {
      n.frontendStatus = r.status();
      if (r.status() == 0) {
        runner.stop(n.packed());
        device.reset();
      }
    } else if (request instanceof Request.GetStatus) {
      int s = n.frontendStatus;
      if (runner.running()) {
        s |= device.status() & VirtioStatus.DEVICE_NEEDS_RESET;
      }
      conn.replyU64(m.request, s);
      return true;
    }
    return false;
  }

  private void setMemTable(Request.SetMemTable r, Message m) throws ProtocolException {
    int[] regionFds = m.fds;
    m.fds = UnixChannel.NO_FDS;
    MemoryTable table = MemoryTable.parse(r.payload(), r.size(), regionFds, memoryPolicy);
    runner.stop(n.packed());
    device.reset();
    releaseMemory();
    mem = table;
    for (VringState v : rings) {
      if (v.addrSet) {
        checkRingAddresses(v);
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

  private void setVringFd(Request.SetVringFd r, Message m) {
    VringState v = rings[r.index()];
    int fd = r.fd();
    m.fds = UnixChannel.NO_FDS; // kept by the vring from here
    switch (r.kind()) {
      case KICK -> {
        runner.stopRing(v, n.packed());
        v.setKick(new KickThread(device, v.index, fd, log, "vhost-kick-" + device.name() + "-" + v.index));
        v.kickSet = true;
      }
      case CALL -> v.setCall(fd);
      case ERR -> v.setErr(fd);
    }
  }

  private void checkRingAddresses(VringState r) throws ProtocolException {
    if (r.num == 0) {
      return;
    }
    // before SET_FEATURES the layout is not known: check what both layouts need (a packed ring's
    // areas are the smaller), and the exact layout again when the device starts
    boolean packed = n.packed();
    long[] sizes = r.areaSizes(!n.featuresSet || packed);
    long[] uvas = {r.descUva, r.availUva, r.usedUva};
    String[] names = packed ? new String[] {"descriptor ring", "driver event area", "device event area"}
        : new String[] {"descriptor table", "available ring", "used ring"};
    for (int i = 0; i < 3; i++) {
      if (mem.uvaToGpa(uvas[i], sizes[i]) < 0) {
        throw new ProtocolException("vring " + r.index + " " + names[i] + " at uva 0x" + Long.toHexString(uvas[i])
            + " (" + sizes[i] + " bytes) is not inside the memory table");
      }
    }
    // the device writes the used ring (split) or the descriptors and event area (packed)
    for (int i : packed ? new int[] {2, 0} : new int[] {2}) {
      if (!mem.writable(uvas[i], sizes[i])) {
        throw new ProtocolException("vring " + r.index + " " + names[i] + " at uva 0x" + Long.toHexString(uvas[i])
            + " lies in memory the frontend shared read-only; the device must write it");
      }
    }
  }

  /** RESET_OWNER: back to a fresh connection's state, the handshake clock restarted. */
  private void resetAll() {
    endAll();
    n.reset();
    onResetOwner.run();
  }

  /** Stops and resets the device, forgets the rings and unmaps the memory. */
  void endAll() {
    runner.stop(n.packed());
    device.reset();
    for (VringState r : rings) {
      r.clear();
    }
    releaseMemory();
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
}
