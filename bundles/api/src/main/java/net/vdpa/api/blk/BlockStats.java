package net.vdpa.api.blk;

/**
 * What a block device carried since its driver bound it.
 *
 * @param reads read requests completed OK
 * @param readBytes their bytes
 * @param writes write requests completed OK
 * @param writeBytes their bytes
 * @param flushes flushes completed OK
 * @param errors requests that ended IOERR or UNSUPP
 */
public record BlockStats(long reads, long readBytes, long writes, long writeBytes, long flushes, long errors) {}
