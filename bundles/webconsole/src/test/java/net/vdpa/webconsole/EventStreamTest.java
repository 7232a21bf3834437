package net.vdpa.webconsole;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  @Test
  void aStreamGetsItsFirstFramesThenWhatIsPublishedUntilClosed() throws Exception {
    EventStream s = new EventStream();
    StringWriter out = new StringWriter();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch flushed = new CountDownLatch(2);
    CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
      try {
        s.serve(out, () -> EventStream.frame("bus", "{}"), () -> {
          first.countDown();
          flushed.countDown();
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    // the first flush sends the first frames: the stream is registered by then
    assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(s.size()).isEqualTo(1);
    s.publish("rates", "{\"a\":1}");
    assertThat(flushed.await(5, TimeUnit.SECONDS)).isTrue();
    s.closeAll();
    served.get(5, TimeUnit.SECONDS);
    assertThat(out.toString()).isEqualTo("event: bus\ndata: {}\n\nevent: rates\ndata: {\"a\":1}\n\n");
    assertThat(s.size()).isZero();
  }

  @Test
  void aChangePublishedWhileTheFirstPictureIsDrawnStillReachesTheStream() throws Exception {
    // the bus changes (and publishes) while a new stream's first picture is being drawn: had the
    // picture been drawn before the stream was registered, the change would be lost to this page
    EventStream s = new EventStream();
    StringWriter out = new StringWriter();
    CountDownLatch flushed = new CountDownLatch(2);
    CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
      try {
        s.serve(out, () -> {
          s.publish("bus", "{\"vdpa0\":\"BOUND\"}");
          return EventStream.frame("bus", "{\"vdpa0\":\"PROBING\"}");
        }, flushed::countDown);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(flushed.await(5, TimeUnit.SECONDS)).isTrue();
    s.closeAll();
    served.get(5, TimeUnit.SECONDS);
    assertThat(out.toString()).isEqualTo("event: bus\ndata: {\"vdpa0\":\"PROBING\"}\n\n"
        + "event: bus\ndata: {\"vdpa0\":\"BOUND\"}\n\n");
  }
}
