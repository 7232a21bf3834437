/**
 * The vDPA bus contract.
 *
 * <p>A device bundle registers {@link net.vdpa.api.VdpaDevice} services (the Java form of Linux's
 * {@code vdpa_config_ops}), usually created on request by a {@link net.vdpa.api.VdpaMgmtDevice}.
 * A driver bundle registers {@link net.vdpa.api.VdpaDriver} services (whiteboard). The bus, reached
 * as {@link net.vdpa.api.VdpaBus}, is the only party that decides which driver holds which device:
 * a device never learns which driver holds it and a driver never looks for devices itself.
 *
 * <p>Every change of the bus is posted on Event Admin under the topics in {@link VdpaEvents}.
 *
 * <p>1.2.0 adds {@link VdpaEvents#DEVICE_SETTLED}. 1.3.0 adds the block attributes of {@link
 * DevConfig} (capacity, backing file, read-only) and their {@link DevAttr} keywords, and
 * optional DMA fault reports ({@link DmaFaultCallback}, {@link VdpaDevice#setDmaFaultCallback}).
 * 1.4.0 adds {@link VdpaDriver#refuses} (a driver keeping other drivers from a device, as VFIO's
 * DMA ownership of an IOMMU group does) and {@link VdpaBus#rematch}.
 * It also adds a block device's request queues ({@link DevConfig#numQueues()}, {@link
 * DevAttr#NUM_QUEUES}); the constructor of the 1.3.0 fields stays. 1.5.0 makes {@link DevConfig} and
 * {@link MacAddress} serializable, for the remote facade of {@code net.vdpa.api.remote}. 1.6.0 adds
 * {@link VdpaDeviceStore#create}, which returns once a device exists instead of once it is bound.
 * 1.7.0 adds {@link VdpaDevice#setVqReadAhead}, a queue set-up hint for drivers whose buffers lie
 * apart in memory another core writes.
 */
@Export
@Version("1.7.0")
package net.vdpa.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
