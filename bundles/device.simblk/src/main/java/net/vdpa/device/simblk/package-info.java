/**
 * The simulated block device: the {@code vdpasim_blk} management device and the virtio-blk devices
 * it creates on the device core, as Linux's {@code vdpa_sim_blk} beside {@code vdpa_sim_net}. Each
 * device is a RAM disk (128 MiB by default, memory taken only where written) served by one worker
 * per request queue: IN, OUT, FLUSH, GET_ID, DISCARD and WRITE_ZEROES, with the spec's statuses for
 * what is out of range or unknown.
 *
 * <p>Private package: the bundle exports nothing and offers only services.
 */
package net.vdpa.device.simblk;
