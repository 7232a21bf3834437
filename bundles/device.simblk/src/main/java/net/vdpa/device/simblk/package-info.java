/**
 * The simulated block device: the {@code vdpasim_blk} management device and the virtio-blk devices
 * it creates on the device core, as Linux's {@code vdpa_sim_blk} beside {@code vdpa_sim_net}. Each
 * device keeps its bytes on a {@code Disk}: a RAM disk (128 MiB by default,
 * memory taken only where written) or a backing file (sparse, created on demand, locked while the
 * device exists, forced on FLUSH, left when the device is deleted), read-write or read-only. One
 * worker per request queue serves IN, OUT, FLUSH, GET_ID, DISCARD and WRITE_ZEROES, with the spec's
 * statuses for what is out of range, read-only or unknown.
 *
 * <p>Private package: the bundle exports nothing and offers only services.
 */
package net.vdpa.device.simblk;
