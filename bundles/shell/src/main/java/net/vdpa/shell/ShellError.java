package net.vdpa.shell;

import java.util.concurrent.Callable;

/**
 * An error as the shell shows it: one line, the message only. Gogo prints a failed command's
 * exception with {@code toString()}; this one leaves out the class name a user does not need.
 */
final class ShellError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ShellError(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String toString() {
    return getMessage();
  }

  /** Runs a command body; any failure becomes a one-line {@link ShellError}. */
  static <T> T guard(Callable<T> body) {
    try {
      return body.call();
    } catch (ShellError e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShellError("interrupted", e);
    } catch (Exception e) {
      String m = e.getMessage();
      throw new ShellError(m == null || m.isBlank() ? e.getClass().getSimpleName() : m, e);
    }
  }
}
