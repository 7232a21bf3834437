package net.vdpa.driver.passthrough;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which IOMMU group each device is in: the configured multi-device groups ({@code "7=vdpa0,vdpa1"})
 * and, for any other device, a group of its own numbered with the lowest free id while it is
 * bound. Validates its configuration in the constructor. Not thread-safe; the core's lock guards it.
 */
final class GroupTable {
  private final Map<String, Integer> configured = new HashMap<>();
  private final Map<Integer, List<String>> configuredMembers = new TreeMap<>();
  private final Map<String, Integer> singles = new HashMap<>();

  /**
   * Parses the configured groups.
   *
   * @param entries each {@code ID=dev,dev,...}
   * @throws IllegalArgumentException naming a bad entry, a duplicate id or a device in two groups
   */
  GroupTable(String[] entries) {
    for (String raw : entries == null ? new String[0] : entries) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("iommu group '" + entry + "' is not ID=device,device");
      }
      int id;
      try {
        id = Integer.parseInt(entry.substring(0, eq).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("iommu group id '" + entry.substring(0, eq).trim() + "' is not a number");
      }
      if (id < 0 || configuredMembers.containsKey(id)) {
        throw new IllegalArgumentException("iommu group id " + id + (id < 0 ? " is negative" : " is given twice"));
      }
      List<String> members = new ArrayList<>(new TreeSet<>(List.of(entry.substring(eq + 1).split("\\s*,\\s*"))));
      members.removeIf(String::isBlank);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("iommu group " + id + " lists no device");
      }
      for (String m : members) {
        Integer other = configured.putIfAbsent(m, id);
        if (other != null) {
          throw new IllegalArgumentException("device " + m + " is in iommu groups " + other + " and " + id);
        }
      }
      configuredMembers.put(id, List.copyOf(members));
    }
  }

  /** The group of a device, giving it a group of its own if it has none. */
  int groupOf(String device) {
    Integer id = configured.get(device);
    if (id != null) {
      return id;
    }
    return singles.computeIfAbsent(device, d -> {
      int free = 0;
      while (configuredMembers.containsKey(free) || singles.containsValue(free)) {
        free++;
      }
      return free;
    });
  }

  /** The configured multi-device group of a device, or null if it has none (it is a group of its own). */
  Integer configuredGroupOf(String device) {
    return configured.get(device);
  }

  /** The members of a group. */
  List<String> members(int id) {
    List<String> m = configuredMembers.get(id);
    if (m != null) {
      return m;
    }
    for (Map.Entry<String, Integer> e : singles.entrySet()) {
      if (e.getValue() == id) {
        return List.of(e.getKey());
      }
    }
    return List.of();
  }

  /** Frees the id of a device's own group once it is no longer bound. */
  void forget(String device) {
    singles.remove(device);
  }
}
