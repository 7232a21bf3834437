package net.vdpa.testkit;

import java.lang.management.ManagementFactory;

/**
 * Bytes a thread has allocated, for tests that show a worker allocates nothing per frame or per
 * request (HotSpot's {@code com.sun.management.ThreadMXBean}; a test checks {@link #available()}
 * first and skips, saying so, where the JVM has no such counter).
 */
public final class ThreadAllocation {
  private ThreadAllocation() {}

  /** Whether this JVM counts allocation per thread. */
  public static boolean available() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean;
  }

  /**
   * Bytes {@code t} has allocated since it started.
   *
   * @param t a live thread
   * @return the count
   */
  public static long allocated(Thread t) {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getThreadAllocatedBytes(t.getId());
  }

  /**
   * The live thread with this name.
   *
   * @param name the thread's name
   * @return the thread
   * @throws AssertionError if there is none
   */
  public static Thread named(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no thread " + name);
  }
}
