package net.vdpa.device.core.net;

/**
 * The Toeplitz hash of receive-side scaling (Microsoft's RSS, virtio-net's {@code VIRTIO_NET_F_RSS}):
 * each input bit that is set XORs in the 32 key bits starting at that bit's position. Built once per
 * key into a table of each input byte's contribution, so hashing is one lookup and XOR per byte and
 * allocates nothing.
 *
 * <p>Immutable; any thread.
 */
public final class Toeplitz {
  /** The longest input hashed: two IPv6 addresses and two ports. */
  public static final int MAX_INPUT = 36;

  private final int[] table;
  private final int inputs;

  /**
   * Prepares the hash for a key.
   *
   * @param key the secret key, at least 4 bytes; inputs up to {@code key.length - 4} bytes long
   *     (at most {@link #MAX_INPUT}) can be hashed
   */
  public Toeplitz(byte[] key) {
    if (key.length < 4) {
      throw new IllegalArgumentException("a Toeplitz key needs at least 4 bytes, not " + key.length);
    }
    this.inputs = Math.min(MAX_INPUT, key.length - 4);
    this.table = new int[inputs * 256];
    for (int i = 0; i < inputs; i++) {
      for (int bit = 0; bit < 8; bit++) {
        final int window = window(key, i * 8 + bit);
        final int mask = 0x80 >>> bit;
        for (int v = 0; v < 256; v++) {
          if ((v & mask) != 0) {
            table[i * 256 + v] ^= window;
          }
        }
      }
    }
  }

  /** The 32 key bits starting at bit {@code from} (bit 0 is the first key byte's top bit). */
  private static int window(byte[] key, int from) {
    final int b = from >>> 3;
    final int shift = from & 7;
    long w = 0;
    for (int i = 0; i < 5; i++) {
      w = (w << 8) | (b + i < key.length ? key[b + i] & 0xffL : 0);
    }
    return (int) (w >>> (8 - shift));
  }

  /**
   * How many input bytes this key can hash.
   *
   * @return the key length minus 4, at most {@link #MAX_INPUT}
   */
  public int maxInput() {
    return inputs;
  }

  /**
   * Adds one input byte to a hash under way.
   *
   * @param hash the hash so far (0 to start)
   * @param index the byte's position in the input
   * @param value the byte
   * @return the hash with the byte added
   */
  public int add(int hash, int index, int value) {
    return hash ^ table[(index << 8) | (value & 0xff)];
  }

  /**
   * Hashes bytes.
   *
   * @param input the input
   * @param length how many bytes of it, up to {@link #maxInput()}
   * @return the hash
   */
  public int hash(byte[] input, int length) {
    if (length > inputs) {
      throw new IllegalArgumentException("input of " + length + " bytes is longer than the " + inputs + " this key hashes");
    }
    int h = 0;
    for (int i = 0; i < length; i++) {
      h = add(h, i, input[i]);
    }
    return h;
  }
}
