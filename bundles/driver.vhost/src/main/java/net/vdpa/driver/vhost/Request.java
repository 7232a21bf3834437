package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;

/**
 * A vhost-user request after {@link RequestParser} checked its form: sizes, descriptor counts,
 * indices and field values that do not depend on the session's state. What does depend on it
 * (owner, negotiated features) the session checks when it applies the request.
 *
 * <p>Descriptors stay owned by the {@link Message}: a handler that keeps one takes it from there.
 */
sealed interface Request {
  /** GET_FEATURES. */
  record GetFeatures() implements Request {}

  /** SET_FEATURES. @param features the frontend's features */
  record SetFeatures(long features) implements Request {}

  /** SET_OWNER. */
  record SetOwner() implements Request {}

  /** RESET_OWNER. */
  record ResetOwner() implements Request {}

  /** GET_PROTOCOL_FEATURES. */
  record GetProtocolFeatures() implements Request {}

  /** SET_PROTOCOL_FEATURES. @param features the protocol features */
  record SetProtocolFeatures(long features) implements Request {}

  /** GET_QUEUE_NUM. */
  record GetQueueNum() implements Request {}

  /**
   * SET_MEM_TABLE: the regions are checked and mapped by {@link MemoryTable#parse}.
   *
   * @param payload the message payload (valid until the next message)
   * @param size its size, at most the 8 regions the protocol allows
   */
  record SetMemTable(ByteBuffer payload, int size) implements Request {}

  /** SET_VRING_NUM. @param index the vring @param num its size, 1 to the device's maximum */
  record SetVringNum(int index, int num) implements Request {}

  /**
   * SET_VRING_ADDR (no dirty logging).
   *
   * @param index the vring
   * @param desc frontend address of the descriptor area
   * @param used frontend address of the device area
   * @param avail frontend address of the driver area
   */
  record SetVringAddr(int index, long desc, long used, long avail) implements Request {}

  /** SET_VRING_BASE. @param index the vring @param base the base as sent (32 bits for a packed ring) */
  record SetVringBase(int index, int base) implements Request {}

  /** GET_VRING_BASE. @param index the vring */
  record GetVringBase(int index) implements Request {}

  /** Which descriptor of a vring a SET_VRING_KICK, _CALL or _ERR sets. */
  enum FdKind {
    /** The frontend's kicks. */
    KICK,
    /** The backend's used-buffer notifications. */
    CALL,
    /** The backend's error notifications. */
    ERR
  }

  /**
   * SET_VRING_KICK, SET_VRING_CALL or SET_VRING_ERR.
   *
   * @param kind which
   * @param index the vring
   * @param fd a non-blocking eventfd (the message's), or -1 for NOFD
   */
  record SetVringFd(FdKind kind, int index, int fd) implements Request {}

  /** SET_VRING_ENABLE. @param index the vring @param on 1 or 0 */
  record SetVringEnable(int index, boolean on) implements Request {}

  /**
   * GET_CONFIG.
   *
   * @param offset where in the config space
   * @param size how many bytes, within it
   * @param flags the request's flags, echoed
   */
  record GetConfig(int offset, int size, int flags) implements Request {}

  /**
   * SET_CONFIG.
   *
   * @param offset where in the config space
   * @param data the bytes, within it
   */
  record SetConfig(int offset, ByteBuffer data) implements Request {}

  /** SET_STATUS. @param status the frontend's status byte */
  record SetStatus(int status) implements Request {}

  /** GET_STATUS. */
  record GetStatus() implements Request {}
}
