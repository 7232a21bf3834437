package net.vdpa.driver.virtioblk;

import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockStats;
import net.vdpa.api.blk.VirtioBlk;

/** What a block device carried, counted as requests complete (any queue's thread). */
final class BlkCounters {
  private long reads;
  private long readBytes;
  private long writes;
  private long writeBytes;
  private long flushes;
  private long errors;

  synchronized void count(int type, int bytes, BlockStatus status) {
    if (status == BlockStatus.IOERR || status == BlockStatus.UNSUPP) {
      errors++;
    } else if (status == BlockStatus.OK) {
      switch (type) {
        case VirtioBlk.T_IN -> {
          reads++;
          readBytes += bytes;
        }
        case VirtioBlk.T_OUT -> {
          writes++;
          writeBytes += bytes;
        }
        case VirtioBlk.T_FLUSH -> flushes++;
        default -> { }
      }
    }
  }

  synchronized BlockStats snapshot() {
    return new BlockStats(reads, readBytes, writes, writeBytes, flushes, errors);
  }
}
