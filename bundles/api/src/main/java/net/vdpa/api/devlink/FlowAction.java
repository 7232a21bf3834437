package net.vdpa.api.devlink;

/**
 * What a switchdev rule does with a frame it matched (tc's {@code mirred}, {@code drop} and
 * {@code vlan} actions). Actions run in order; {@link Redirect} and {@link Drop} end the list.
 */
public sealed interface FlowAction {
  /**
   * Sends the frame to the function behind a representor, and nowhere else (tc {@code action mirred
   * egress redirect dev REP}).
   *
   * @param dev the representor's name, such as {@code pf0vf1}
   */
  record Redirect(String dev) implements FlowAction {}

  /**
   * Sends a copy of the frame to the function behind a representor (tc {@code action mirred egress
   * mirror dev REP}); the rule's other actions go on.
   *
   * @param dev the representor's name
   */
  record Mirror(String dev) implements FlowAction {}

  /** Drops the frame (tc {@code action drop}). */
  record Drop() implements FlowAction {}

  /**
   * Pushes an 802.1Q tag on the frame for the actions after it (tc {@code action vlan push id N}).
   *
   * @param vid the VLAN, 1 to 4094
   */
  record VlanPush(int vid) implements FlowAction {
    /** Checks the VLAN. */
    public VlanPush {
      if (vid < 1 || vid > 4094) {
        throw new IllegalArgumentException("vlan push id " + vid + " is outside 1..4094");
      }
    }
  }

  /** Removes the frame's 802.1Q tag for the actions after it (tc {@code action vlan pop}). */
  record VlanPop() implements FlowAction {}
}
