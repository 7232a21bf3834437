package net.vdpa.api.passthrough;

/**
 * The regions a passthrough device shows, as the capabilities of a virtio-pci modern function
 * (virtio 1.2 §4.1.4) place them.
 */
public enum Region {
  /** {@code VIRTIO_PCI_CAP_COMMON_CFG}: {@code struct virtio_pci_common_cfg}, see {@link CommonCfg}. */
  COMMON_CFG,
  /** {@code VIRTIO_PCI_CAP_NOTIFY_CFG}: queue q's doorbell at {@code queue_notify_off * notify_off_multiplier}. */
  NOTIFY,
  /** {@code VIRTIO_PCI_CAP_ISR_CFG}: one byte, bit 0 queue interrupt, bit 1 config change; a read clears it. */
  ISR,
  /** {@code VIRTIO_PCI_CAP_DEVICE_CFG}: the device-specific configuration ({@code struct virtio_net_config}, ...). */
  DEVICE_CFG
}
