package net.vdpa.shell;

import java.util.List;
import net.vdpa.api.MacAddress;

/**
 * The words of {@code vdpa dev set name NAME mac MAC}, checked: both given, each key with a value,
 * no other key. What Linux's {@code vdpa dev set} changes today is the MAC address only.
 *
 * @param name the device
 * @param mac the new address
 */
record DevSetArgs(String name, MacAddress mac) {
  /**
   * Parses the words after {@code dev set}.
   *
   * @throws IllegalArgumentException naming the key that lacks a value, the unknown key, or what is missing
   */
  static DevSetArgs parse(List<String> words) {
    String name = null;
    MacAddress mac = null;
    for (int i = 0; i < words.size(); i += 2) {
      String key = words.get(i);
      if (i + 1 >= words.size()) {
        throw new IllegalArgumentException("attribute " + key + " needs a value");
      }
      switch (key) {
        case "name" -> name = words.get(i + 1);
        case "mac" -> mac = MacAddress.parse(words.get(i + 1));
        default -> throw new IllegalArgumentException("unknown attribute '" + key + "': expected name or mac");
      }
    }
    VdpaCommands.required(name, "device name is not set.");
    if (mac == null) {
      throw new IllegalArgumentException("nothing to set: give mac MAC");
    }
    return new DevSetArgs(name, mac);
  }
}
