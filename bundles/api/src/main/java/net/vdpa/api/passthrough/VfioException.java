package net.vdpa.api.passthrough;

/**
 * A refused passthrough operation; nothing was changed. The message is one line naming the bad
 * value; {@link #error()} says which kind of refusal it is.
 */
public class VfioException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final VfioError error;

  /**
   * Creates the exception.
   *
   * @param error the kind of refusal
   * @param message one line naming the bad value
   */
  public VfioException(VfioError error, String message) {
    super(message);
    this.error = error;
  }

  /**
   * The kind of refusal.
   *
   * @return the error
   */
  public VfioError error() {
    return error;
  }
}
