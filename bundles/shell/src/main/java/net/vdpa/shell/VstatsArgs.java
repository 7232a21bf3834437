package net.vdpa.shell;

import java.util.List;

/** {@code vstats show DEV qidx N}, read before anything is asked (iproute2 parses before it opens the section). */
record VstatsArgs(String name, int qidx) {
  static VstatsArgs parse(List<String> words) {
    String name = VdpaCommands.required(words.isEmpty() ? null : words.get(0), "device name is not set.");
    if (words.size() < 3 || !words.get(1).equals("qidx")) {
      throw new IllegalArgumentException("queue index is not set: vstats show " + name + " qidx N");
    }
    return new VstatsArgs(name, DevAddArgs.number("qidx", words.get(2)));
  }
}
