package net.vdpa.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to start, read from the {@code launcher.properties} that bnd's exporter writes from
 * {@code vdpa-runtime.bndrun}: the embedded bundles in order with their start levels, the
 * framework's beginning and default start levels, and the framework properties (the bndrun's
 * {@code -runproperties}). A system property of the same name overrides a framework property, so
 * {@code java -Dvdpa.default.devices= -jar ...} works as it did with bnd's launcher.
 *
 * @param bundles the embedded bundles, in install order
 * @param frameworkProperties the properties handed to the framework
 * @param defaultStartLevel the start level of a bundle installed without one
 */
record LaunchConfig(List<Entry> bundles, Map<String, String> frameworkProperties, int defaultStartLevel) {
  /** The bndrun's start level of bundles that name none. */
  static final int FALLBACK_START_LEVEL = 1;

  private static final String BUNDLES = "launch.bundles";
  private static final String ATTRS = "launch.runbundles.attrs";
  private static final String DEFAULT_LEVEL = "launch.startlevel.default";
  private static final Pattern ATTR = Pattern.compile("([^;,\\s]+);version=\"([^\"]*)\"(?:;startlevel=(\\d+))?");

  /**
   * One embedded bundle.
   *
   * @param path its path inside the runtime jar ({@code jar/api-0.1.0-SNAPSHOT.jar})
   * @param startLevel its start level
   */
  record Entry(String path, int startLevel) {}

  LaunchConfig {
    bundles = List.copyOf(bundles);
    frameworkProperties = Map.copyOf(frameworkProperties);
  }

  /**
   * Reads bnd's launcher properties.
   *
   * @param launcher the properties bnd exported
   * @param bsnOf the symbolic name of an embedded path (read from its manifest)
   * @param system the system properties, which override framework properties of the same name
   */
  static LaunchConfig from(Properties launcher, java.util.function.Function<String, String> bsnOf, Properties system) {
    Map<String, Integer> levels = new HashMap<>();
    Matcher m = ATTR.matcher(launcher.getProperty(ATTRS, ""));
    while (m.find()) {
      if (m.group(3) != null) {
        levels.put(m.group(1), Integer.parseInt(m.group(3)));
      }
    }
    int defaultLevel = Integer.parseInt(launcher.getProperty(DEFAULT_LEVEL, Integer.toString(FALLBACK_START_LEVEL)).trim());
    List<Entry> bundles = new ArrayList<>();
    for (String path : launcher.getProperty(BUNDLES, "").split(",")) {
      String p = path.trim();
      if (!p.isEmpty()) {
        bundles.add(new Entry(p, levels.getOrDefault(bsnOf.apply(p), defaultLevel)));
      }
    }
    Map<String, String> fw = new LinkedHashMap<>();
    for (String key : launcher.stringPropertyNames()) {
      if (!key.startsWith("launch.")) {
        fw.put(key, system.getProperty(key, launcher.getProperty(key)));
      }
    }
    return new LaunchConfig(bundles, fw, defaultLevel);
  }
}
