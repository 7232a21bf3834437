/**
 * The block class: {@link net.vdpa.api.blk.BlockDevice}, the service a block driver publishes once
 * it holds a device, and virtio-blk's constants ({@link net.vdpa.api.blk.VirtioBlk}: feature bits,
 * config layout, request types and statuses), shared by block devices and the drivers that bind them.
 *
 * <p>1.1.0 adds per-queue counters ({@link net.vdpa.api.blk.BlockDevice#stats(int)}).
 */
@Export
@Version("1.2.0")
package net.vdpa.api.blk;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
