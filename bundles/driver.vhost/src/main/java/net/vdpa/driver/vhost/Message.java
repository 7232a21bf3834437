package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;
import net.vdpa.unix.UnixChannel;

/**
 * One vhost-user message as read from the socket: {@code u32 request, u32 flags, u32 size}, the
 * payload, and the file descriptors that came with it. Also the request codes and flag bits of the
 * specification (QEMU {@code docs/interop/vhost-user.rst}). Reused for every message of a
 * connection: confined to the connection's thread.
 */
final class Message {
  /** Header bytes. */
  static final int HEADER = 12;
  /** The largest payload accepted (a full memory table is 264 bytes, a config read 268). */
  static final int MAX_PAYLOAD = 4096;
  /** The most file descriptors one message may carry. */
  static final int MAX_FDS = 8;

  /** Flags: the protocol version, in bits 0-1. */
  static final int VERSION = 0x1;
  /** Flags: this is a reply. */
  static final int REPLY = 0x4;
  /** Flags: the sender wants a reply (REPLY_ACK). */
  static final int NEED_REPLY = 0x8;

  static final int GET_FEATURES = 1;
  static final int SET_FEATURES = 2;
  static final int SET_OWNER = 3;
  static final int RESET_OWNER = 4;
  static final int SET_MEM_TABLE = 5;
  static final int SET_LOG_BASE = 6;
  static final int SET_LOG_FD = 7;
  static final int SET_VRING_NUM = 8;
  static final int SET_VRING_ADDR = 9;
  static final int SET_VRING_BASE = 10;
  static final int GET_VRING_BASE = 11;
  static final int SET_VRING_KICK = 12;
  static final int SET_VRING_CALL = 13;
  static final int SET_VRING_ERR = 14;
  static final int GET_PROTOCOL_FEATURES = 15;
  static final int SET_PROTOCOL_FEATURES = 16;
  static final int GET_QUEUE_NUM = 17;
  static final int SET_VRING_ENABLE = 18;
  static final int GET_CONFIG = 24;
  static final int SET_CONFIG = 25;
  static final int SET_STATUS = 39;
  static final int GET_STATUS = 40;

  /** Protocol feature: multiple queues, GET_QUEUE_NUM. */
  static final int PF_MQ = 0;
  /** Protocol feature: REPLY_ACK. */
  static final int PF_REPLY_ACK = 3;
  /** Protocol feature: GET_CONFIG and SET_CONFIG. */
  static final int PF_CONFIG = 9;
  /** Protocol feature: GET_STATUS and SET_STATUS. */
  static final int PF_STATUS = 16;
  /** Feature bit 30: the backend speaks protocol features. */
  static final int F_PROTOCOL_FEATURES = 30;

  /** Vring file descriptor messages: the index mask. */
  static final long VRING_IDX_MASK = 0xff;
  /** Vring file descriptor messages: no descriptor comes with it. */
  static final long VRING_NOFD = 0x100;

  int request;
  int flags;
  int size;
  /** The payload, little-endian, position 0, limit {@link #size}: a view of the connection's receive area. */
  final ByteBuffer payload;
  /**
   * The descriptors that came with the message; never null. The handler that keeps one replaces the
   * array (or its slot) so that what is left is closed after the request.
   */
  int[] fds = UnixChannel.NO_FDS;

  /**
   * A message whose payload lives in a connection's receive area.
   *
   * @param payload the payload area, little-endian, at least {@link #MAX_PAYLOAD} bytes
   */
  Message(ByteBuffer payload) {
    this.payload = payload;
  }

  /**
   * Whether the sender asked for a reply.
   *
   * @return the NEED_REPLY flag
   */
  boolean needReply() {
    return (flags & NEED_REPLY) != 0;
  }

  /**
   * The name of a request code, for log lines.
   *
   * @param request the code
   * @return its name, or {@code request N}
   */
  static String name(int request) {
    return switch (request) {
      case GET_FEATURES -> "GET_FEATURES";
      case SET_FEATURES -> "SET_FEATURES";
      case SET_OWNER -> "SET_OWNER";
      case RESET_OWNER -> "RESET_OWNER";
      case SET_MEM_TABLE -> "SET_MEM_TABLE";
      case SET_LOG_BASE -> "SET_LOG_BASE";
      case SET_LOG_FD -> "SET_LOG_FD";
      case SET_VRING_NUM -> "SET_VRING_NUM";
      case SET_VRING_ADDR -> "SET_VRING_ADDR";
      case SET_VRING_BASE -> "SET_VRING_BASE";
      case GET_VRING_BASE -> "GET_VRING_BASE";
      case SET_VRING_KICK -> "SET_VRING_KICK";
      case SET_VRING_CALL -> "SET_VRING_CALL";
      case SET_VRING_ERR -> "SET_VRING_ERR";
      case GET_PROTOCOL_FEATURES -> "GET_PROTOCOL_FEATURES";
      case SET_PROTOCOL_FEATURES -> "SET_PROTOCOL_FEATURES";
      case GET_QUEUE_NUM -> "GET_QUEUE_NUM";
      case SET_VRING_ENABLE -> "SET_VRING_ENABLE";
      case GET_CONFIG -> "GET_CONFIG";
      case SET_CONFIG -> "SET_CONFIG";
      case SET_STATUS -> "SET_STATUS";
      case GET_STATUS -> "GET_STATUS";
      default -> "request " + request;
    };
  }

  @Override
  public String toString() {
    return name(request) + " (flags 0x" + Integer.toHexString(flags) + ", " + size + " bytes, " + fds.length + " fds)";
  }
}
