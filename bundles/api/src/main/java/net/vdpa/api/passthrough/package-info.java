/**
 * The passthrough class: what the {@code vfio_vdpa} driver publishes, modelled on Linux VFIO
 * type1 ({@code linux/vfio.h}).
 *
 * <p>A user opens an {@link net.vdpa.api.passthrough.IommuContainer} from the {@link
 * net.vdpa.api.passthrough.Vfio} service (the form of {@code /dev/vfio/vfio}), attaches the {@link
 * net.vdpa.api.passthrough.IommuGroup} of its device to it ({@code VFIO_GROUP_SET_CONTAINER}; only a
 * viable group: every member bound to {@code vfio_vdpa} or to no driver), maps its own memory into
 * the container ({@code VFIO_IOMMU_MAP_DMA}, type1v2 rules) and opens the device exclusively
 * ({@code VFIO_GROUP_GET_DEVICE_FD}). The {@link net.vdpa.api.passthrough.DeviceHandle} shows the
 * device as a virtio-pci modern function: the common configuration (byte for byte {@code struct
 * virtio_pci_common_cfg}, offsets in {@link net.vdpa.api.passthrough.CommonCfg}), a notify area,
 * the ISR byte and the device-specific configuration, plus MSI-X-like interrupt vectors.
 *
 * <p>A device reaches only what the container maps: any other access is refused and recorded as an
 * {@link net.vdpa.api.passthrough.IommuFault}. When the device must go (unbind, deletion, driver
 * stopped), the user is asked to release it ({@link net.vdpa.api.passthrough.ReleaseRequest}, the
 * request interrupt) and, after a bounded grace period, the handle is revoked: every later call
 * fails with {@link net.vdpa.api.passthrough.VfioError#REVOKED}. Unplug never waits on the user.
 *
 * <p>This package lives in the API bundle so that a user stays wired when the driver bundle goes.
 */
@Export
@Version("1.0.0")
package net.vdpa.api.passthrough;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
