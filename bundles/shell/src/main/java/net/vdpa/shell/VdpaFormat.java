package net.vdpa.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.vdpa.api.dto.DeviceDTO.Placement;
import net.vdpa.api.FeatureBits;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.net.VirtioNet;

/**
 * The output of the {@code vdpa} commands, laid out as iproute2's {@code vdpa} lays it out: text
 * (one line per device, indented detail lines) and JSON (each listing wrapped in one key, objects
 * keyed by handle or device name), compact or pretty. Pure functions of {@link Views}.
 */
final class VdpaFormat {
  private VdpaFormat() {}

  /** Output options from {@code -j} and {@code -p}. */
  record Style(boolean json, boolean pretty) {
    static final Style TEXT = new Style(false, false);
  }

  /** A listing's JSON section with nothing in it, as iproute2 closes it when the kernel fails: {@code {"dev":{}}}. */
  static String emptySection(String section, Style style) {
    return Json.write(Map.of(section, Map.of()), style.pretty());
  }

  static String mgmtdevs(List<Views.Mgmtdev> list, Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (Views.Mgmtdev m : list) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("supported_classes", m.classes());
        o.put("max_supported_vqs", m.maxSupportedVqs());
        o.put("dev_features", featureList(m.features(), block(m)));
        all.put(m.handle(), o);
      }
      return Json.write(Map.of("mgmtdev", all), style.pretty());
    }
    List<String> out = new ArrayList<>();
    for (Views.Mgmtdev m : list) {
      out.add(m.handle() + ":\n  supported_classes " + String.join(" ", m.classes()) + "\n  max_supported_vqs "
          + m.maxSupportedVqs() + "\n  dev_features " + String.join(" ", featureList(m.features(), block(m))));
    }
    return String.join("\n", out);
  }

  static String devs(List<Views.Dev> list, Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (Views.Dev d : list) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", d.type());
        o.put("mgmtdev", d.mgmtdev());
        o.put("vendor_id", d.vendorId());
        o.put("max_vqs", d.maxVqs());
        o.put("max_vq_size", d.maxVqSize());
        if (d.host() != null) {
          o.put("host", d.host());
        }
        all.put(d.host() == null ? d.name() : d.host() + "/" + d.name(), o);
      }
      return Json.write(Map.of("dev", all), style.pretty());
    }
    List<String> out = new ArrayList<>();
    for (Views.Dev d : list) {
      out.add(d.name() + ": type " + d.type() + " mgmtdev " + (d.mgmtdev() == null ? "none" : d.mgmtdev())
          + " vendor_id " + d.vendorId() + " max_vqs " + d.maxVqs() + " max_vq_size " + d.maxVqSize()
          + (d.host() == null ? "" : " host " + d.host()));
    }
    return String.join("\n", out);
  }

  static String configs(List<Views.ConfigView> list, Style style) {
    if (style.json()) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (Views.ConfigView v : list) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (v instanceof Views.Config c) {
          o.put("mac", c.mac().toString());
          o.put("link", c.linkUp() ? "up" : "down");
          o.put("link_announce", c.announce());
          if (c.maxVqPairs() >= 0) {
            o.put("max_vq_pairs", c.maxVqPairs());
          }
          o.put("mtu", c.mtu());
        } else if (v instanceof Views.BlkConfig b) {
          blkFields(b).forEach(o::put);
        }
        if (v.negotiated() >= 0) {
          o.put("negotiated_features", featureList(v.negotiated(), v instanceof Views.BlkConfig));
        }
        all.put(v.name(), o);
      }
      return Json.write(Map.of("config", all), style.pretty());
    }
    List<String> out = new ArrayList<>();
    for (Views.ConfigView v : list) {
      StringBuilder line = new StringBuilder(v.name()).append(':');
      if (v instanceof Views.Config c) {
        line.append(" mac ").append(c.mac()).append(" link ").append(c.linkUp() ? "up" : "down")
            .append(" link_announce ").append(c.announce());
        if (c.maxVqPairs() >= 0) {
          line.append(" max_vq_pairs ").append(c.maxVqPairs());
        }
        line.append(" mtu ").append(c.mtu());
      } else if (v instanceof Views.BlkConfig b) {
        blkFields(b).forEach((k, x) -> line.append(' ').append(k).append(' ').append(x));
      }
      if (v.negotiated() >= 0) {
        line.append("\n  negotiated_features ")
            .append(String.join(" ", featureList(v.negotiated(), v instanceof Views.BlkConfig)));
      }
      out.add(line.toString());
    }
    return String.join("\n", out);
  }

  /** A block device's config fields, named after {@code struct virtio_blk_config}. */
  private static Map<String, Object> blkFields(Views.BlkConfig b) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("capacity", b.capacity());
    o.put("blk_size", b.blkSize());
    o.put("seg_max", b.segMax());
    o.put("size_max", b.sizeMax());
    o.put("num_queues", b.numQueues());
    o.put("max_discard_sectors", b.maxDiscardSectors());
    o.put("max_write_zeroes_sectors", b.maxWriteZeroesSectors());
    return o;
  }

  /**
   * {@code vdpa dev vstats show DEV qidx N} as iproute2's {@code pr_out_dev_net_vstats} prints it: the
   * queue's type, then each vendor counter as its own key ({@code received_desc 321812}, JSON
   * {@code "received_desc":321812}). iproute2 reads the queue index only to name the type, so it is
   * not printed; the trailing space iproute2 leaves before the newline is dropped, as in the other
   * listings here.
   */
  static String vstats(Views.Vstats v, Style style) {
    if (style.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("queue_type", v.queueType());
      o.putAll(v.stats());
      return Json.write(Map.of("vstats", Map.of(v.name(), o)), style.pretty());
    }
    StringBuilder s = new StringBuilder(v.name()).append(": queue_type ").append(v.queueType());
    for (Map.Entry<String, Long> e : v.stats().entrySet()) {
      s.append(' ').append(e.getKey()).append(' ').append(e.getValue());
    }
    return s.toString();
  }

  static String bus(boolean autoprobe, List<Views.BusLine> lines, Style style) {
    if (style.json()) {
      Map<String, Object> devs = new LinkedHashMap<>();
      for (Views.BusLine l : lines) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("state", word(l.state()));
        o.put("driver", l.driver());
        o.put("driver_override", l.override());
        o.put("autoprobe", l.autoprobe());
        o.put("reason", l.reason());
        // where a device belongs: only when there is something to say, so the common case reads as before
        putIfSet(o, "placement", word(l.placement()));
        putIfSet(o, "displaced_from", l.displacedFrom());
        putIfSet(o, "stay", word(l.stay()));
        putIfSet(o, "stay_reason", l.stayReason());
        devs.put(l.name(), o);
      }
      Map<String, Object> bus = new LinkedHashMap<>();
      bus.put("autoprobe", autoprobe);
      bus.put("dev", devs);
      return Json.write(Map.of("bus", bus), style.pretty());
    }
    StringBuilder s = new StringBuilder("autoprobe ").append(autoprobe ? "on" : "off");
    for (Views.BusLine l : lines) {
      s.append('\n').append(l.name()).append(": ").append(word(l.state()));
      if (l.driver() != null) {
        s.append(" driver ").append(l.driver());
      }
      if (l.placement() == Placement.BIND) {
        s.append(" placed_by bind"); // an override shows as driver_override; autoprobe is the rule
      }
      if (l.override() != null) {
        s.append(" driver_override ").append(l.override());
      }
      s.append(" autoprobe ").append(l.autoprobe() ? "on" : "off");
      if (l.reason() != null) {
        s.append("\n  reason ").append(l.reason());
      }
      if (l.stayReason() != null) {
        s.append("\n  stays although ").append(l.displacedFrom()).append(" is back: ").append(l.stayReason());
      } else if (l.displacedFrom() != null && l.placement() == Placement.AUTOPROBE) {
        s.append("\n  returns to ").append(l.displacedFrom()).append(" when it is back");
      }
    }
    return s.toString();
  }

  /** An enum constant as the shell and its JSON spell it: lower case ({@code BOUND} is {@code bound}). */
  static String word(Enum<?> e) {
    return e == null ? null : e.name().toLowerCase(Locale.ROOT);
  }

  private static void putIfSet(Map<String, Object> o, String key, Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  /** The feature names as a list, for JSON. */
  /** Feature names, as a block or a network device names its bits. */
  static List<String> featureList(long features, boolean block) {
    return FeatureBits.list(features, block ? VirtioBlk::featureName : VirtioNet::featureName);
  }

  private static boolean block(Views.Mgmtdev m) {
    return m.classes().contains("block");
  }
}
