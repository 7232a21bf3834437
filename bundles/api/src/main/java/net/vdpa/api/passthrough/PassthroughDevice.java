package net.vdpa.api.passthrough;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A device bound to the passthrough driver, published as a service while it is bound (with
 * {@link #PROP_DEVICE} and {@link #PROP_GROUP}), so that users can wait for it and see it go.
 */
@ProviderType
public interface PassthroughDevice {
  /** Service property: the device name. */
  String PROP_DEVICE = "vdpa.device.name";
  /** Service property: the IOMMU group id (an Integer). */
  String PROP_GROUP = "vdpa.iommu.group";

  /**
   * The device's name.
   *
   * @return the name
   */
  String name();

  /**
   * The device's group.
   *
   * @return the group
   */
  IommuGroup group();
}
