package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import net.vdpa.driver.vhost.Request.FdKind;
import net.vdpa.unix.Fds;

/**
 * Turns a {@link Message} into a {@link Request}, or a {@link ProtocolException} that names the
 * request and the bad field. Checks only what the message itself says (sizes, descriptors, indices
 * within the device's vrings, value ranges, eventfds); stateless.
 */
final class RequestParser {
  private final int rings;
  private final int vqNumMax;
  private final int configSize;

  /**
   * A parser for one device.
   *
   * @param rings the vrings a frontend may use
   * @param vqNumMax the largest vring size the device takes
   * @param configSize the device's config space size
   */
  RequestParser(int rings, int vqNumMax, int configSize) {
    this.rings = rings;
    this.vqNumMax = vqNumMax;
    this.configSize = configSize;
  }

  /**
   * Parses a message.
   *
   * @param m the message
   * @return the request
   * @throws ProtocolException naming the request and what is wrong with it
   */
  Request parse(Message m) throws ProtocolException {
    final ByteBuffer p = m.payload;
    return switch (m.request) {
      case Message.GET_FEATURES -> empty(m, new Request.GetFeatures());
      case Message.SET_FEATURES -> new Request.SetFeatures(u64(m));
      case Message.SET_OWNER -> empty(m, new Request.SetOwner());
      case Message.RESET_OWNER -> empty(m, new Request.ResetOwner());
      case Message.GET_PROTOCOL_FEATURES -> empty(m, new Request.GetProtocolFeatures());
      case Message.SET_PROTOCOL_FEATURES -> new Request.SetProtocolFeatures(u64(m));
      case Message.GET_QUEUE_NUM -> empty(m, new Request.GetQueueNum());
      case Message.SET_MEM_TABLE -> {
        if (m.size > 8 + MemoryTable.MAX_REGIONS * MemoryTable.REGION_BYTES) {
          throw new ProtocolException("SET_MEM_TABLE payload of " + m.size + " bytes is longer than "
              + MemoryTable.MAX_REGIONS + " regions");
        }
        yield new Request.SetMemTable(p, m.size);
      }
      case Message.SET_VRING_NUM -> {
        int idx = state(m);
        int num = p.getInt(4);
        if (num < 1 || num > vqNumMax) {
          throw new ProtocolException("SET_VRING_NUM " + Integer.toUnsignedString(num) + " for vring " + idx
              + " is not in 1.." + vqNumMax);
        }
        yield new Request.SetVringNum(idx, num);
      }
      case Message.SET_VRING_ADDR -> addr(m);
      case Message.SET_VRING_BASE -> new Request.SetVringBase(state(m), p.getInt(4));
      case Message.GET_VRING_BASE -> new Request.GetVringBase(state(m));
      case Message.SET_VRING_KICK -> fd(m, FdKind.KICK);
      case Message.SET_VRING_CALL -> fd(m, FdKind.CALL);
      case Message.SET_VRING_ERR -> fd(m, FdKind.ERR);
      case Message.SET_VRING_ENABLE -> {
        int idx = state(m);
        int on = p.getInt(4);
        if (on != 0 && on != 1) {
          throw new ProtocolException("SET_VRING_ENABLE " + Integer.toUnsignedString(on) + " for vring " + idx
              + " is not 0 or 1");
        }
        yield new Request.SetVringEnable(idx, on == 1);
      }
      case Message.GET_CONFIG -> {
        int size = configRange(m);
        yield new Request.GetConfig(p.getInt(0), size, p.getInt(8));
      }
      case Message.SET_CONFIG -> {
        int size = configRange(m);
        yield new Request.SetConfig(p.getInt(0), p.slice(12, size).order(p.order()));
      }
      case Message.SET_STATUS -> {
        long s = u64(m);
        if (s < 0 || s > 0xff) {
          throw new ProtocolException("SET_STATUS 0x" + Long.toHexString(s) + " is not a status byte");
        }
        yield new Request.SetStatus((int) s);
      }
      case Message.GET_STATUS -> empty(m, new Request.GetStatus());
      default -> throw new ProtocolException(Message.name(m.request) + " is not implemented by this backend"
          + (m.request >= 1 && m.request <= 50 ? " (its feature was not offered)" : " (unknown request)"));
    };
  }

  private static Request empty(Message m, Request r) throws ProtocolException {
    expect(m, 0, 0);
    return r;
  }

  private static long u64(Message m) throws ProtocolException {
    expect(m, 8, 0);
    return m.payload.getLong(0);
  }

  private static void expect(Message m, int size, int fds) throws ProtocolException {
    if (m.size != size) {
      throw new ProtocolException(Message.name(m.request) + " payload is " + m.size + " bytes, expected " + size);
    }
    if (m.fds.length != fds) {
      throw new ProtocolException(Message.name(m.request) + " came with " + m.fds.length + " fds, expected " + fds);
    }
  }

  /** A {@code {u32 index, u32 num}} request's vring index. */
  private int state(Message m) throws ProtocolException {
    expect(m, 8, 0);
    return ring(m, m.payload.getInt(0));
  }

  private int ring(Message m, int idx) throws ProtocolException {
    if (idx < 0 || idx >= rings) {
      throw new ProtocolException(Message.name(m.request) + " vring index " + Integer.toUnsignedString(idx)
          + " is outside 0.." + (rings - 1));
    }
    return idx;
  }

  private Request addr(Message m) throws ProtocolException {
    expect(m, 40, 0);
    final ByteBuffer p = m.payload;
    int idx = ring(m, p.getInt(0));
    int flags = p.getInt(4);
    if ((flags & ~1) != 0) {
      throw new ProtocolException("SET_VRING_ADDR flags 0x" + Integer.toHexString(flags) + " for vring " + idx
          + " has unknown bits");
    }
    if ((flags & 1) != 0) {
      throw new ProtocolException("SET_VRING_ADDR asks for dirty logging on vring " + idx
          + ", but LOG_ALL was not negotiated");
    }
    return new Request.SetVringAddr(idx, p.getLong(8), p.getLong(16), p.getLong(24));
  }

  private Request fd(Message m, FdKind kind) throws ProtocolException {
    if (m.size != 8) {
      throw new ProtocolException(Message.name(m.request) + " payload is " + m.size + " bytes, expected 8");
    }
    long v = m.payload.getLong(0);
    if ((v & ~(Message.VRING_IDX_MASK | Message.VRING_NOFD)) != 0) {
      throw new ProtocolException(Message.name(m.request) + " value 0x" + Long.toHexString(v)
          + " has bits other than the index and NOFD");
    }
    boolean nofd = (v & Message.VRING_NOFD) != 0;
    if (m.fds.length != (nofd ? 0 : 1)) {
      throw new ProtocolException(Message.name(m.request) + " " + (nofd ? "with NOFD" : "without NOFD")
          + " came with " + m.fds.length + " fds");
    }
    int idx = ring(m, (int) (v & Message.VRING_IDX_MASK));
    if (nofd) {
      return new Request.SetVringFd(kind, idx, -1);
    }
    int fd = m.fds[0];
    // kick, call and error descriptors must be eventfds, used without blocking
    if (!Fds.isEventFd(fd)) {
      throw new ProtocolException(Message.name(m.request) + " for vring " + idx + " came with a descriptor that is"
          + " not an eventfd");
    }
    try {
      Fds.setNonBlocking(fd);
    } catch (IOException e) {
      throw new ProtocolException(Message.name(m.request) + " for vring " + idx + ": " + e.getMessage());
    }
    return new Request.SetVringFd(kind, idx, fd);
  }

  /** Checks a GET_CONFIG or SET_CONFIG {@code {u32 offset, u32 size, u32 flags, data}}; returns the size. */
  private int configRange(Message m) throws ProtocolException {
    String name = Message.name(m.request);
    if (m.size < 12) {
      throw new ProtocolException(name + " payload is " + m.size + " bytes, shorter than 12");
    }
    int offset = m.payload.getInt(0);
    int size = m.payload.getInt(4);
    expect(m, 12 + size, 0);
    if (offset < 0 || size < 0 || (long) offset + size > configSize) {
      throw new ProtocolException(name + " of " + Integer.toUnsignedString(size) + " bytes at offset "
          + Integer.toUnsignedString(offset) + " leaves the " + configSize + "-byte config space");
    }
    return size;
  }
}
