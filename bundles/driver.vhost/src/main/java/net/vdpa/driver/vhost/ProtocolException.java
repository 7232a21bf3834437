package net.vdpa.driver.vhost;

/**
 * A frontend broke the vhost-user protocol: the connection is answered with an error (when a reply
 * was asked for), closed, and the device reset. The message says what was wrong and with which
 * value.
 */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * A protocol error.
   *
   * @param message what was wrong, naming the value
   */
  ProtocolException(String message) {
    super(message);
  }
}
