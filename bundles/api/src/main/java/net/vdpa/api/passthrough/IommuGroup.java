package net.vdpa.api.passthrough;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An IOMMU group (the form of {@code /dev/vfio/N}): devices that share one address space, so that
 * they can only be given to user space together. Membership is a fact of the device topology (the
 * driver's configuration lists multi-device groups; any other device is a group of its own).
 */
@ProviderType
public interface IommuGroup {

  /**
   * The group number.
   *
   * @return the id
   */
  int id();

  /**
   * The member devices, bound or not.
   *
   * @return device names, ascending
   */
  List<String> devices();

  /**
   * Whether the group may be used now ({@code VFIO_GROUP_FLAGS_VIABLE}).
   *
   * @return the viability, naming the member that breaks it
   */
  Viability viability();

  /**
   * Attaches the group to a container ({@code VFIO_GROUP_SET_CONTAINER}): the devices of the
   * group reach the container's mappings from now on.
   *
   * @param container an open container
   * @throws VfioException {@link VfioError#NOT_VIABLE} naming the member bound elsewhere, {@link
   *     VfioError#NO_CONTAINER} if attached to another container, {@link VfioError#REVOKED}
   */
  void setContainer(IommuContainer container);

  /**
   * The container the group is attached to.
   *
   * @return the container, or empty
   */
  Optional<IommuContainer> container();

  /**
   * Detaches the group from its container ({@code VFIO_GROUP_UNSET_CONTAINER}); refused while a
   * device of the group is open.
   *
   * @throws VfioException {@link VfioError#BUSY} naming the open device
   */
  void unsetContainer();

  /**
   * Opens a device of the group exclusively ({@code VFIO_GROUP_GET_DEVICE_FD}).
   *
   * @param device the device name
   * @param owner who opens it, shown to the next one who tries
   * @param onRelease called when the device must go (it then has the grace period to close)
   * @return the handle
   * @throws VfioException {@link VfioError#BUSY} naming the owner, {@link VfioError#NOT_VIABLE},
   *     {@link VfioError#NO_CONTAINER}, {@link VfioError#INVALID} (not a member, or not bound to
   *     the passthrough driver), {@link VfioError#REVOKED}
   */
  DeviceHandle openDevice(String device, String owner, ReleaseRequest onRelease);
}
