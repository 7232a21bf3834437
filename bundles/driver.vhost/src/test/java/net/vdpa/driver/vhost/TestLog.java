package net.vdpa.driver.vhost;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps log lines for assertions and prints them. */
final class TestLog implements Log {
  final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void info(String message) {
    lines.add("INFO " + message);
    System.out.println("INFO " + message);
  }

  @Override
  public void warn(String message) {
    lines.add("WARN " + message);
    System.out.println("WARN " + message);
  }

  boolean contains(String text) {
    return lines.stream().anyMatch(l -> l.contains(text));
  }
}
