package net.vdpa.api;

/**
 * The optional attributes of {@code vdpa dev add} that a management device may accept; each
 * management device lists the ones it does in {@link VdpaMgmtDevice#acceptedAttributes()}.
 */
public enum DevAttr {
  /** {@code mac XX:XX:XX:XX:XX:XX}. */
  MAC("mac"),
  /** {@code mtu N}. */
  MTU("mtu"),
  /** {@code max_vqp N}. */
  MAX_VQP("max_vqp"),
  /** {@code device_features HEX}. */
  DEVICE_FEATURES("device_features"),
  /** {@code capacity SIZE}: a block device's size in bytes (suffixes K, M, G, T). Since 1.3. */
  CAPACITY("capacity"),
  /** {@code file PATH}: a block device's backing file. Since 1.3. */
  FILE("file"),
  /** {@code ro}: a read-only block device. Since 1.3. */
  READ_ONLY("ro"),
  /** {@code num_queues N}: a block device's request queues ({@code virtio_blk_config.num_queues}). Since 1.4. */
  NUM_QUEUES("num_queues");

  private final String keyword;

  DevAttr(String keyword) {
    this.keyword = keyword;
  }

  /**
   * The word iproute2's {@code vdpa} uses for it.
   *
   * @return for example {@code max_vqp}
   */
  public String keyword() {
    return keyword;
  }
}
