package net.vdpa.webconsole;

import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The open server-sent-event streams of the page: each browser tab holds one request open and
 * receives {@code bus} events (the whole picture, after every bus event) and {@code rates} events
 * (once a second). Each stream is served by its own request thread, which waits on its queue; the
 * publisher never blocks on a slow browser: a stream whose queue is full is closed (the browser's
 * EventSource reconnects and starts from a fresh picture).
 */
final class EventStream {
  /** How long a stream stays silent before a comment line checks that the browser is still there. */
  static final long KEEPALIVE_SECONDS = 15;
  private static final int QUEUE = 32;
  private static final String CLOSE = "";

  private final Set<BlockingQueue<String>> clients = new CopyOnWriteArraySet<>();

  /** Sends an event to every open stream. */
  void publish(String event, String json) {
    String frame = frame(event, json);
    for (BlockingQueue<String> q : clients) {
      if (!q.offer(frame)) {
        q.clear();
        q.offer(CLOSE);
      }
    }
  }

  /** Ends every stream (the plugin is going away). */
  void closeAll() {
    for (BlockingQueue<String> q : clients) {
      q.clear();
      q.offer(CLOSE);
    }
  }

  /** How many streams are open. */
  int size() {
    return clients.size();
  }

  /**
   * Serves one stream on the calling request thread until the browser leaves, the stream falls
   * behind, or {@link #closeAll} is called.
   *
   * @param out the response writer (the caller has set the event-stream headers)
   * @param first the frames to send before any published event (the current picture and rates),
   *     asked for only once the stream is registered, so that a change published while they are
   *     being drawn still reaches this stream after them
   * @param flush flushes the response through to the browser
   */
  void serve(Writer out, Supplier<String> first, Flush flush) throws IOException {
    BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE);
    clients.add(q);
    try {
      out.write(first.get());
      flush.flush();
      while (true) {
        String frame = q.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
          out.write(": keepalive\n\n"); // a browser that left shows up as a failing write
        } else if (frame.equals(CLOSE)) {
          return;
        } else {
          out.write(frame);
        }
        flush.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      clients.remove(q);
    }
  }

  /** Pushes what was written to the browser. */
  @FunctionalInterface
  interface Flush {
    void flush() throws IOException;
  }

  /** One frame as {@link #serve} sends it. */
  static String frame(String event, String json) {
    return "event: " + event + "\ndata: " + json + "\n\n";
  }
}
