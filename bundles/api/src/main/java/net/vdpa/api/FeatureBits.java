package net.vdpa.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.osgi.annotation.versioning.ProviderType;

/** Feature bits as names, for any device class's naming of its bits (virtio-net's, virtio-blk's). */
@ProviderType
public final class FeatureBits {
  private FeatureBits() {}

  /**
   * The names of the set bits, in bit order.
   *
   * @param features the bits
   * @param name names one bit
   * @return the names
   */
  public static List<String> list(long features, IntFunction<String> name) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      if ((features & (1L << i)) != 0) {
        out.add(name.apply(i));
      }
    }
    return out;
  }

  /**
   * The names of the set bits in bit order, separated by spaces.
   *
   * @param features the bits
   * @param name names one bit
   * @return for example {@code "MTU MAC CTRL_VQ VERSION_1"}
   */
  public static String names(long features, IntFunction<String> name) {
    return String.join(" ", list(features, name));
  }
}
