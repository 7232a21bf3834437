/**
 * The userspace poll-mode virtio-net driver (DPDK's virtio PMD over VFIO is the model): {@link
 * net.vdpa.api.pmd.PollModeDriver} starts a {@link net.vdpa.api.pmd.PmdPort} over a device bound
 * to {@code vfio_vdpa}. The port opens the device's passthrough handle, maps its own packet memory
 * into an IOMMU container, initialises the device through the common configuration registers (the
 * virtio-pci driver sequence) and then polls, without interrupts: {@link
 * net.vdpa.api.pmd.PmdPort#rxBurst} and {@link net.vdpa.api.pmd.PmdPort#txBurst} move {@link
 * net.vdpa.api.pmd.Mbuf}s in bursts, in the manner of {@code rte_eth_rx_burst}, allocating nothing.
 */
@Export
@Version("1.0.0")
package net.vdpa.api.pmd;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
