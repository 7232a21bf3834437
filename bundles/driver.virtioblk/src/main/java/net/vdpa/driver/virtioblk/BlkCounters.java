package net.vdpa.driver.virtioblk;

import net.vdpa.api.blk.BlockDevice.BlockStatus;
import net.vdpa.api.blk.BlockStats;
import net.vdpa.api.blk.VirtioBlk;

/**
 * What one request queue carried, counted as its requests complete; guarded by the queue's monitor
 * (one counter set per queue, so queues never contend for it).
 */
final class BlkCounters {
  private long reads;
  private long readBytes;
  private long writes;
  private long writeBytes;
  private long flushes;
  private long errors;

  void count(int type, int bytes, BlockStatus status) {
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

  BlockStats snapshot() {
    return new BlockStats(reads, readBytes, writes, writeBytes, flushes, errors);
  }

  /** The sum of two snapshots. */
  static BlockStats sum(BlockStats a, BlockStats b) {
    return new BlockStats(a.reads() + b.reads(), a.readBytes() + b.readBytes(), a.writes() + b.writes(),
        a.writeBytes() + b.writeBytes(), a.flushes() + b.flushes(), a.errors() + b.errors());
  }
}
