package net.vdpa.api.passthrough;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The passthrough driver's entry point (the form of {@code /dev/vfio/vfio} and the group files):
 * containers, groups, the devices it holds and the faults it recorded. One service, registered
 * while the {@code vfio_vdpa} driver is active. A bound device is also published as its own {@link
 * PassthroughDevice} service so users can track it.
 */
@ProviderType
public interface Vfio {

  /** Event Admin topic of an IOMMU fault; properties {@link #DEVICE}, {@link #IOVA}, {@link #ACCESS}, {@link #REASON}. */
  String TOPIC_FAULT = "net/vdpa/passthrough/FAULT";
  /** Event Admin topic of a revoked handle; properties {@link #DEVICE}, {@link #OWNER}, {@link #REASON}. */
  String TOPIC_REVOKED = "net/vdpa/passthrough/REVOKED";
  /** Event property: the device name. */
  String DEVICE = "device";
  /** Event property: the faulting IOVA (a Long). */
  String IOVA = "iova";
  /** Event property: the {@link Access} name. */
  String ACCESS = "access";
  /** Event property: the owner of a revoked handle. */
  String OWNER = "owner";
  /** Event property: why, in words. */
  String REASON = "reason";

  /**
   * Opens a new, empty container.
   *
   * @param owner who opens it (shown in listings)
   * @return the container
   */
  IommuContainer openContainer(String owner);

  /**
   * The groups of the devices bound to the driver.
   *
   * @return groups, ascending by id
   */
  List<IommuGroup> groups();

  /**
   * A group by number.
   *
   * @param id the group id
   * @return the group, or empty
   */
  Optional<IommuGroup> group(int id);

  /**
   * The group of a bound device.
   *
   * @param device the device name
   * @return the group, or empty if the device is not bound to the driver
   */
  Optional<IommuGroup> groupOf(String device);

  /**
   * The devices bound to the driver.
   *
   * @return one entry per device, ascending by name
   */
  List<HandleInfo> handles();

  /**
   * The open containers.
   *
   * @return containers, in opening order
   */
  List<IommuContainer> containers();

  /**
   * The faults recorded, oldest first (a bounded history).
   *
   * @return the faults
   */
  List<IommuFault> faults();
}
