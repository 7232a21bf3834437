package net.vdpa.device.simblk;

import static net.vdpa.api.blk.VirtioBlk.S_IOERR;
import static net.vdpa.api.blk.VirtioBlk.S_OK;
import static net.vdpa.api.blk.VirtioBlk.S_UNSUPP;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.ring.DescriptorChain;

/**
 * Carries out one virtio-blk request on the disk: reads the header, checks the request against the
 * disk and the negotiated features, moves the data, and writes the status byte last. A request that
 * is out of range, misaligned or too short, or writes to a read-only device, gets IOERR, an unknown
 * or unnegotiated type UNSUPP; the disk is never touched then. A disk that fails (a file's I/O
 * error) fails only that request, with IOERR. Allocates nothing. One per worker.
 */
final class Requests {
  private final Disk disk;
  private final Disk.Io io;
  private final boolean readOnly;
  private final byte[] id;
  private final boolean flush;
  private final boolean discard;
  private final boolean writeZeroes;
  private final BlkStats stats;

  Requests(Disk disk, int queue, boolean readOnly, String deviceName, long features, BlkStats stats) {
    this.disk = disk;
    this.io = disk.io(queue);
    this.readOnly = readOnly;
    this.id = ("vdpasim_blk:" + deviceName).getBytes(StandardCharsets.US_ASCII);
    this.flush = (features & VirtioBlk.bit(VirtioBlk.F_FLUSH)) != 0;
    this.discard = (features & VirtioBlk.bit(VirtioBlk.F_DISCARD)) != 0;
    this.writeZeroes = (features & VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES)) != 0;
    this.stats = stats;
  }

  /**
   * Serves a request.
   *
   * @param c the popped chain
   * @return the bytes written into the chain (data and status), for the used element; 0 if the
   *     chain has no room for a status byte (nothing is written then)
   */
  int serve(DescriptorChain c) {
    long writable = c.writableBytes();
    if (writable < 1) {
      stats.inc(BlkStats.IO_ERRORS);
      return 0;
    }
    long statusAt = writable - 1;
    if (c.readableBytes() < VirtioBlk.HDR_LEN) {
      return status(c, statusAt, S_IOERR, 0);
    }
    int type = (int) ChainIo.readableLe(c, 0, 4);
    long sector = ChainIo.readableLe(c, 8, 8);
    return switch (type) {
      case VirtioBlk.T_IN -> read(c, sector, statusAt);
      case VirtioBlk.T_OUT -> write(c, sector, statusAt);
      case VirtioBlk.T_FLUSH -> {
        if (!flush) {
          yield status(c, statusAt, S_UNSUPP, 0);
        }
        yield flush(c, statusAt);
      }
      case VirtioBlk.T_GET_ID -> {
        int n = (int) Math.min(Math.min(statusAt, VirtioBlk.ID_BYTES), Integer.MAX_VALUE);
        for (int i = 0; i < n; i++) {
          ChainIo.writableByte(c, i, i < id.length ? id[i] : 0);
        }
        stats.inc(BlkStats.GET_ID_OPS);
        yield status(c, statusAt, S_OK, n);
      }
      case VirtioBlk.T_DISCARD -> !discard ? status(c, statusAt, S_UNSUPP, 0)
          : readOnly ? status(c, statusAt, S_IOERR, 0) : zero(c, statusAt, false);
      case VirtioBlk.T_WRITE_ZEROES -> !writeZeroes ? status(c, statusAt, S_UNSUPP, 0)
          : readOnly ? status(c, statusAt, S_IOERR, 0) : zero(c, statusAt, true);
      default -> status(c, statusAt, S_UNSUPP, 0);
    };
  }

  private int read(DescriptorChain c, long sector, long statusAt) {
    long len = statusAt;
    if (!inRange(sector, len)) {
      return status(c, statusAt, S_IOERR, 0);
    }
    try {
      ChainIo.diskToWritable(c, io, sector * VirtioBlk.SECTOR, len);
    } catch (IOException e) {
      return status(c, statusAt, S_IOERR, 0);
    }
    stats.inc(BlkStats.READ_OPS);
    stats.add(BlkStats.READ_BYTES, len);
    return status(c, statusAt, S_OK, (int) len);
  }

  private int write(DescriptorChain c, long sector, long statusAt) {
    long len = c.readableBytes() - VirtioBlk.HDR_LEN;
    if (readOnly || !inRange(sector, len)) {
      return status(c, statusAt, S_IOERR, 0);
    }
    try {
      ChainIo.readableToDisk(c, VirtioBlk.HDR_LEN, len, io, sector * VirtioBlk.SECTOR);
    } catch (IOException e) {
      return status(c, statusAt, S_IOERR, 0);
    }
    stats.inc(BlkStats.WRITE_OPS);
    stats.add(BlkStats.WRITE_BYTES, len);
    return status(c, statusAt, S_OK, 0);
  }

  /** DISCARD or WRITE_ZEROES: every segment checked first, then every range zeroed. */
  private int zero(DescriptorChain c, long statusAt, boolean writeZeroes) {
    long data = c.readableBytes() - VirtioBlk.HDR_LEN;
    long segments = data / VirtioBlk.SEGMENT_LEN;
    if (data % VirtioBlk.SEGMENT_LEN != 0 || segments < 1 || segments > BlkSpec.MAX_ZERO_SEGMENTS) {
      return status(c, statusAt, S_IOERR, 0);
    }
    for (long i = 0; i < segments; i++) {
      long at = VirtioBlk.HDR_LEN + i * VirtioBlk.SEGMENT_LEN;
      long sector = ChainIo.readableLe(c, at, 8);
      long num = ChainIo.readableLe(c, at + 8, 4);
      int flags = (int) ChainIo.readableLe(c, at + 12, 4);
      int allowed = writeZeroes ? VirtioBlk.WRITE_ZEROES_FLAG_UNMAP : 0;
      if ((flags & ~allowed) != 0) {
        return status(c, statusAt, S_UNSUPP, 0);
      }
      if (num > BlkSpec.MAX_ZERO_SECTORS || !inRange(sector, num * VirtioBlk.SECTOR)) {
        return status(c, statusAt, S_IOERR, 0);
      }
    }
    try {
      for (long i = 0; i < segments; i++) {
        long at = VirtioBlk.HDR_LEN + i * VirtioBlk.SEGMENT_LEN;
        io.zero(ChainIo.readableLe(c, at, 8) * VirtioBlk.SECTOR, ChainIo.readableLe(c, at + 8, 4) * VirtioBlk.SECTOR);
      }
    } catch (IOException e) {
      return status(c, statusAt, S_IOERR, 0);
    }
    stats.inc(writeZeroes ? BlkStats.WRITE_ZEROES_OPS : BlkStats.DISCARD_OPS);
    return status(c, statusAt, S_OK, 0);
  }

  /** FLUSH: every write completed before it is durable once it completes (a file is forced). */
  private int flush(DescriptorChain c, long statusAt) {
    try {
      io.flush();
    } catch (IOException e) {
      return status(c, statusAt, S_IOERR, 0);
    }
    stats.inc(BlkStats.FLUSH_OPS);
    return status(c, statusAt, S_OK, 0);
  }

  /** Whether {@code len} bytes from {@code sector} are whole sectors on the disk. */
  private boolean inRange(long sector, long len) {
    long cap = disk.capacity() / VirtioBlk.SECTOR;
    return len % VirtioBlk.SECTOR == 0 && sector >= 0 && sector <= cap && len / VirtioBlk.SECTOR <= cap - sector;
  }

  private int status(DescriptorChain c, long statusAt, int status, int data) {
    if (status == S_IOERR) {
      stats.inc(BlkStats.IO_ERRORS);
    } else if (status == S_UNSUPP) {
      stats.inc(BlkStats.UNSUPPORTED);
    }
    ChainIo.writableByte(c, statusAt, status);
    return data + 1;
  }
}
