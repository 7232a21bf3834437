package net.vdpa.driver.vhost.unix;

import java.io.IOException;

/** A message carried more file descriptors than the protocol allows; every one was closed. */
public final class FdOverflowException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * The error.
   *
   * @param received how many arrived (at least)
   * @param max the most allowed
   */
  public FdOverflowException(int received, int max) {
    super("a message carried " + received + " file descriptors, more than " + max + "; all were closed");
  }
}
