package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import org.apache.felix.service.command.CommandSession;

/**
 * {@code pt:traffic}: checks its arguments before touching anything, uses the device's open port
 * or opens one for the job (closed again at the end), runs a {@link PtTraffic} and sums it up in
 * the line {@code net:traffic} prints.
 */
final class PtTrafficJob {
  /** The longest burst: the port's queue size. */
  static final int MAX_BURST = 256;
  /** The largest frame: a 1500-byte MTU and the Ethernet header. */
  static final int MAX_SIZE = 1514;

  private PtTrafficJob() {}

  static String run(PollModeDriver pmd, CommandSession session, String... argv) {
    long count = 100_000;
    int size = 64;
    int burst = 32;
    List<String> names = new ArrayList<>();
    for (int k = 0; k < argv.length; k++) {
      switch (argv[k]) {
        case "count" -> count = DevAddArgs.number("count", value(argv, ++k, "count"));
        case "size" -> size = DevAddArgs.number("size", value(argv, ++k, "size"));
        case "burst" -> burst = DevAddArgs.number("burst", value(argv, ++k, "burst"));
        default -> names.add(argv[k]);
      }
    }
    if (names.isEmpty() || names.size() > 2) {
      throw new IllegalArgumentException("give one device (loopback) or two (from, to), e.g. pt:traffic vdpa0");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count " + count + " must be at least 1");
    }
    if (size < 60 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size " + size + " is outside 60.." + MAX_SIZE);
    }
    if (burst < 1 || burst > MAX_BURST) {
      throw new IllegalArgumentException("burst " + burst + " is outside 1.." + MAX_BURST);
    }
    List<PmdPort> opened = new ArrayList<>();
    try {
      PmdPort from = portFor(pmd, names.get(0), opened);
      PmdPort to = names.size() == 2 ? portFor(pmd, names.get(1), opened) : from;
      PtTraffic job = new PtTraffic(from, to, size, burst);
      long start = System.nanoTime();
      String stopped = job.run(count, session == null ? null : session.getConsole());
      String line = NetFormat.traffic(from.device(), to.device(), size, job.sent, job.received,
          System.nanoTime() - start);
      if (stopped != null) {
        throw new ShellError(line + ", stopped: " + stopped, null);
      }
      return line;
    } finally {
      for (PmdPort p : opened) {
        p.close();
      }
    }
  }

  /** The device's open port, or one opened for this job. */
  private static PmdPort portFor(PollModeDriver pmd, String device, List<PmdPort> opened) {
    for (PmdPort p : pmd.ports()) {
      if (p.device().equals(device)) {
        return p;
      }
    }
    PmdPort p = pmd.start(device, "pt:traffic");
    opened.add(p);
    return p;
  }

  private static String value(String[] argv, int k, String key) {
    if (k >= argv.length) {
      throw new IllegalArgumentException(key + " needs a value");
    }
    return argv[k];
  }
}
