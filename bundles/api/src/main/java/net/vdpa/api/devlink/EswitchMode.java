package net.vdpa.api.devlink;

/** The mode of an adapter's embedded switch ({@code devlink dev eswitch set DEV mode MODE}). */
public enum EswitchMode {
  /** A learning bridge between uplinks and functions; no representors. */
  LEGACY,
  /** Each function has a representor; rules decide what the switch carries. */
  SWITCHDEV;

  /**
   * devlink's word for the mode.
   *
   * @return {@code legacy} or {@code switchdev}
   */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Reads devlink's word.
   *
   * @param word {@code legacy} or {@code switchdev}
   * @return the mode
   * @throws IllegalArgumentException naming the word and the modes there are
   */
  public static EswitchMode of(String word) {
    for (EswitchMode m : values()) {
      if (m.word().equals(word)) {
        return m;
      }
    }
    throw new IllegalArgumentException("eswitch mode '" + word + "' is not legacy or switchdev");
  }
}
