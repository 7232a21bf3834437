package net.vdpa.shell.karaf;

import java.util.List;

/**
 * What the next word of a {@code vdpa:dev} line can be, from the words typed before it: the
 * grammar of {@code VdpaCommands.dev} as completion needs it, kept apart from Karaf so that it is
 * tested directly.
 *
 * @param kind which names to offer
 * @param words fixed words to offer (subcommands, {@code on}/{@code off}, {@code none})
 */
record DevWords(Kind kind, List<String> words) {
  /** The kind of names a position takes. */
  enum Kind { FIXED, DEVICE, MGMTDEV, DRIVER, NOTHING }

  static final List<String> SUBCOMMANDS = List.of("show", "add", "del", "config", "vstats", "set", "bind", "unbind",
      "override", "autoprobe");

  /** The attributes of {@code dev add}; all but {@code ro} take a value. */
  static final List<String> ADD_KEYS = List.of("name", "mgmtdev", "device_features", "mac", "mtu", "max_vqp",
      "capacity", "file", "ro");
  private static final List<String> ADD_VALUED = ADD_KEYS.subList(0, ADD_KEYS.size() - 1);

  /** The next word after {@code before} (the words typed so far, without options). */
  static DevWords next(List<String> before) {
    if (before.isEmpty()) {
      return fixed(SUBCOMMANDS);
    }
    String last = before.get(before.size() - 1);
    if (last.equals("mgmtdev")) {
      return new DevWords(Kind.MGMTDEV, List.of());
    }
    String cmd = before.get(0);
    int n = before.size();
    return switch (cmd) {
      case "show", "del", "unbind" -> n == 1 ? device() : nothing();
      case "config" -> n == 1 ? fixed(List.of("show")) : n == 2 ? device() : nothing();
      case "vstats" -> n == 1 ? fixed(List.of("show")) : n == 2 ? device() : n == 3 ? fixed(List.of("qidx"))
          : nothing();
      case "bind" -> n == 1 ? device() : n == 2 ? new DevWords(Kind.DRIVER, List.of()) : nothing();
      case "override" -> n == 1 ? device()
          : n == 2 ? new DevWords(Kind.DRIVER, List.of("none")) : nothing();
      case "autoprobe" -> n == 1 ? device() : n == 2 ? fixed(List.of("on", "off")) : nothing();
      case "set" -> last.equals("name") ? device()
          : last.equals("mac") ? nothing() : fixed(List.of("name", "mac"));
      case "add" -> ADD_VALUED.contains(last) ? nothing() : fixed(ADD_KEYS);
      default -> nothing();
    };
  }

  private static DevWords fixed(List<String> words) {
    return new DevWords(Kind.FIXED, words);
  }

  private static DevWords device() {
    return new DevWords(Kind.DEVICE, List.of());
  }

  private static DevWords nothing() {
    return new DevWords(Kind.NOTHING, List.of());
  }
}
