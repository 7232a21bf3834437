package net.vdpa.api.blk;

import org.osgi.annotation.versioning.ProviderType;

/**
 * virtio-blk as the virtio 1.2 specification (§5.2) defines it: feature bits, the little-endian
 * {@code struct virtio_blk_config} offsets, the request header, request types and status values.
 */
@ProviderType
public final class VirtioBlk {
  private VirtioBlk() {}

  /** Feature: {@code size_max} is valid. */
  public static final int F_SIZE_MAX = 1;
  /** Feature: {@code seg_max} is valid. */
  public static final int F_SEG_MAX = 2;
  /** Feature: the device is read-only. */
  public static final int F_RO = 5;
  /** Feature: {@code blk_size} is valid. */
  public static final int F_BLK_SIZE = 6;
  /** Feature: FLUSH requests. */
  public static final int F_FLUSH = 9;
  /** Feature: {@code topology} is valid. */
  public static final int F_TOPOLOGY = 10;
  /** Feature: {@code num_queues} request queues. */
  public static final int F_MQ = 12;
  /** Feature: DISCARD requests. */
  public static final int F_DISCARD = 13;
  /** Feature: WRITE_ZEROES requests. */
  public static final int F_WRITE_ZEROES = 14;

  /** Config: {@code le64 capacity} in 512-byte sectors. */
  public static final int CFG_CAPACITY = 0;
  /** Config: {@code le32 size_max}, the largest segment. */
  public static final int CFG_SIZE_MAX = 8;
  /** Config: {@code le32 seg_max}, the most data segments in a request. */
  public static final int CFG_SEG_MAX = 12;
  /** Config: {@code le32 blk_size}, the logical block size. */
  public static final int CFG_BLK_SIZE = 20;
  /** Config: {@code u8 physical_block_exp}. */
  public static final int CFG_PHYSICAL_BLOCK_EXP = 24;
  /** Config: {@code le16 min_io_size} in logical blocks. */
  public static final int CFG_MIN_IO_SIZE = 26;
  /** Config: {@code le32 opt_io_size} in logical blocks. */
  public static final int CFG_OPT_IO_SIZE = 28;
  /** Config: {@code le16 num_queues}. */
  public static final int CFG_NUM_QUEUES = 34;
  /** Config: {@code le32 max_discard_sectors}. */
  public static final int CFG_MAX_DISCARD_SECTORS = 36;
  /** Config: {@code le32 max_discard_seg}. */
  public static final int CFG_MAX_DISCARD_SEG = 40;
  /** Config: {@code le32 discard_sector_alignment}. */
  public static final int CFG_DISCARD_SECTOR_ALIGNMENT = 44;
  /** Config: {@code le32 max_write_zeroes_sectors}. */
  public static final int CFG_MAX_WRITE_ZEROES_SECTORS = 48;
  /** Config: {@code le32 max_write_zeroes_seg}. */
  public static final int CFG_MAX_WRITE_ZEROES_SEG = 52;
  /** Config: {@code u8 write_zeroes_may_unmap}. */
  public static final int CFG_WRITE_ZEROES_MAY_UNMAP = 56;
  /** The config space's size. */
  public static final int CFG_SIZE = 60;

  /** Bytes of a sector, the unit of {@code sector} and {@code capacity}. */
  public static final int SECTOR = 512;
  /** Bytes of the request header: {@code le32 type, le32 reserved, le64 sector}. */
  public static final int HDR_LEN = 16;
  /** Bytes of a DISCARD or WRITE_ZEROES segment: {@code le64 sector, le32 num_sectors, le32 flags}. */
  public static final int SEGMENT_LEN = 16;
  /** Bytes of the device id GET_ID returns. */
  public static final int ID_BYTES = 20;
  /** WRITE_ZEROES segment flag: the device may deallocate. */
  public static final int WRITE_ZEROES_FLAG_UNMAP = 1;

  /** Request: read. */
  public static final int T_IN = 0;
  /** Request: write. */
  public static final int T_OUT = 1;
  /** Request: flush the volatile cache. */
  public static final int T_FLUSH = 4;
  /** Request: the device id string. */
  public static final int T_GET_ID = 8;
  /** Request: discard sectors. */
  public static final int T_DISCARD = 11;
  /** Request: write zeroes. */
  public static final int T_WRITE_ZEROES = 13;

  /** Status: done. */
  public static final int S_OK = 0;
  /** Status: the request failed (out of range, read-only, malformed). */
  public static final int S_IOERR = 1;
  /** Status: the request type is not supported. */
  public static final int S_UNSUPP = 2;

  /**
   * The virtio name of a feature bit of a block device ({@code DISCARD}), transport bits as for any
   * device ({@code VERSION_1}), or {@code bit_N}.
   *
   * @param bit bit number
   * @return the name
   */
  public static String featureName(int bit) {
    return switch (bit) {
      case F_SIZE_MAX -> "SIZE_MAX";
      case F_SEG_MAX -> "SEG_MAX";
      case F_RO -> "RO";
      case F_BLK_SIZE -> "BLK_SIZE";
      case F_FLUSH -> "FLUSH";
      case F_TOPOLOGY -> "TOPOLOGY";
      case F_MQ -> "MQ";
      case F_DISCARD -> "DISCARD";
      case F_WRITE_ZEROES -> "WRITE_ZEROES";
      default -> bit >= 24 ? net.vdpa.api.net.VirtioNet.featureName(bit) : "bit_" + bit;
    };
  }

  /**
   * Feature names in bit order, separated by spaces.
   *
   * @param features the feature bits
   * @return for example {@code "SIZE_MAX FLUSH VERSION_1"}
   */
  public static String featureNames(long features) {
    return net.vdpa.api.FeatureBits.names(features, VirtioBlk::featureName);
  }

  /**
   * One feature bit as a mask.
   *
   * @param bit the bit number
   * @return {@code 1L << bit}
   */
  public static long bit(int bit) {
    return 1L << bit;
  }
}
