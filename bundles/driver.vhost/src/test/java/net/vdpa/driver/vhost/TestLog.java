package net.vdpa.driver.vhost;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.log.EventLog;

/** Keeps log lines for assertions and prints them. */
final class TestLog implements EventLog {
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final boolean print;

  TestLog() {
    this(true);
  }

  /** A log that keeps its lines and prints them only if asked (a fuzz run logs thousands). */
  TestLog(boolean print) {
    this.print = print;
  }

  @Override
  public void info(String message) {
    lines.add("INFO " + message);
    if (print) {
      System.out.println("INFO " + message);
    }
  }

  @Override
  public void warn(String message) {
    lines.add("WARN " + message);
    if (print) {
      System.out.println("WARN " + message);
    }
  }

  boolean contains(String text) {
    return lines.stream().anyMatch(l -> l.contains(text));
  }
}
