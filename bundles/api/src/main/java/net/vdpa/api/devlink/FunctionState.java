package net.vdpa.api.devlink;

/**
 * The administrative state of a port's function ({@code devlink port function set PORT state}): an
 * SF is created inactive and becomes a device (here: a vDPA management device) once active.
 */
public enum FunctionState {
  /** The function is not offered to the host. */
  INACTIVE,
  /** The function is offered to the host. */
  ACTIVE;

  /**
   * devlink's word for the state.
   *
   * @return {@code active} or {@code inactive}
   */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Reads devlink's word.
   *
   * @param word {@code active} or {@code inactive}
   * @return the state
   * @throws IllegalArgumentException naming the word
   */
  public static FunctionState of(String word) {
    for (FunctionState s : values()) {
      if (s.word().equals(word)) {
        return s;
      }
    }
    throw new IllegalArgumentException("function state '" + word + "' is not active or inactive");
  }
}
