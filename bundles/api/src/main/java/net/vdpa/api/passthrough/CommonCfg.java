package net.vdpa.api.passthrough;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The layout of {@link Region#COMMON_CFG}: exactly {@code struct virtio_pci_common_cfg} of {@code
 * linux/virtio_pci.h}, little-endian. Each field is accessed at its own width; 64-bit addresses
 * are two 32-bit halves.
 */
@ProviderType
public final class CommonCfg {
  /** le32: which 32 bits of the device features {@link #DEVICE_FEATURE} shows (0 or 1). */
  public static final int DEVICE_FEATURE_SELECT = 0;
  /** le32, read-only: the selected 32 device feature bits. */
  public static final int DEVICE_FEATURE = 4;
  /** le32: which 32 bits of the driver features {@link #GUEST_FEATURE} shows. */
  public static final int GUEST_FEATURE_SELECT = 8;
  /** le32: the selected 32 driver feature bits. */
  public static final int GUEST_FEATURE = 12;
  /** le16: the vector for config changes, or {@link #NO_VECTOR}. */
  public static final int MSIX_CONFIG = 16;
  /** le16, read-only: the number of queues. */
  public static final int NUM_QUEUES = 18;
  /** u8: the virtio status byte; writing 0 resets. */
  public static final int DEVICE_STATUS = 20;
  /** u8, read-only: the config generation. */
  public static final int CONFIG_GENERATION = 21;
  /** le16: the queue the queue_* fields below show. */
  public static final int QUEUE_SELECT = 22;
  /** le16: the selected queue's size, a power of two. */
  public static final int QUEUE_SIZE = 24;
  /** le16: the selected queue's vector, or {@link #NO_VECTOR}. */
  public static final int QUEUE_MSIX_VECTOR = 26;
  /** le16: 1 enables the selected queue. */
  public static final int QUEUE_ENABLE = 28;
  /** le16, read-only: the selected queue's doorbell offset in notify-multiplier units. */
  public static final int QUEUE_NOTIFY_OFF = 30;
  /** le32: low half of the descriptor area IOVA. */
  public static final int QUEUE_DESC_LO = 32;
  /** le32: high half of the descriptor area IOVA. */
  public static final int QUEUE_DESC_HI = 36;
  /** le32: low half of the driver (available) area IOVA. */
  public static final int QUEUE_AVAIL_LO = 40;
  /** le32: high half of the driver area IOVA. */
  public static final int QUEUE_AVAIL_HI = 44;
  /** le32: low half of the device (used) area IOVA. */
  public static final int QUEUE_USED_LO = 48;
  /** le32: high half of the device area IOVA. */
  public static final int QUEUE_USED_HI = 52;
  /** {@code sizeof(struct virtio_pci_common_cfg)}. */
  public static final int SIZE = 56;

  /** {@code VIRTIO_MSI_NO_VECTOR}: no interrupt for this source. */
  public static final int NO_VECTOR = 0xFFFF;
  /** The notify region's {@code notify_off_multiplier}: bytes between two queues' doorbells. */
  public static final int NOTIFY_OFF_MULTIPLIER = 4;
  /** ISR bit: a queue interrupt. */
  public static final int ISR_QUEUE = 1;
  /** ISR bit: a config change. */
  public static final int ISR_CONFIG = 2;

  private CommonCfg() {}

  /**
   * The width in bytes of the field at an offset.
   *
   * @param offset a byte offset in the region
   * @return 1, 2 or 4; 0 if no field starts there
   */
  public static int widthAt(int offset) {
    return switch (offset) {
      case DEVICE_FEATURE_SELECT, DEVICE_FEATURE, GUEST_FEATURE_SELECT, GUEST_FEATURE, QUEUE_DESC_LO, QUEUE_DESC_HI,
          QUEUE_AVAIL_LO, QUEUE_AVAIL_HI, QUEUE_USED_LO, QUEUE_USED_HI -> 4;
      case MSIX_CONFIG, NUM_QUEUES, QUEUE_SELECT, QUEUE_SIZE, QUEUE_MSIX_VECTOR, QUEUE_ENABLE, QUEUE_NOTIFY_OFF -> 2;
      case DEVICE_STATUS, CONFIG_GENERATION -> 1;
      default -> 0;
    };
  }
}
