package net.vdpa.unix;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/** A message carried more file descriptors than the protocol allows; every one was closed. */
@ProviderType
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
