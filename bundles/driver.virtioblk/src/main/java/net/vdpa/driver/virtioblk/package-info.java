/**
 * The {@code virtio_blk} driver: takes block devices from the bus, sets their request queues up in
 * memory of its own, and publishes each as a {@link net.vdpa.api.blk.BlockDevice} ({@code vda},
 * {@code vdb}, ...). Requests are asynchronous: data is copied through per-request buffers in the
 * driver's memory, completions run on the device's thread.
 *
 * <p>Private package: the bundle exports nothing and offers only services.
 */
package net.vdpa.driver.virtioblk;
