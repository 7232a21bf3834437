package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 5,000 mutated vhost-user messages from a seeded generator: half are mutations of a valid ring
 * set-up (one field, one size, one request code or one descriptor changed), half are random. The
 * backend must answer each with a reply, a protocol error or a close, never with an exception of its
 * own ("backend failed on"), and must leave no descriptor open and the device reset.
 */
class MessageFuzzTest {
  static final int MESSAGES = 5_000;
  static final long GPA = 0x10_0000L;
  static final long UVA = 0x7f00_0000_0000L;
  static final int MEM = 1 << 20;

  @TempDir Path dir;
  final TestLog log = new TestLog(false);
  final Random random = new Random(0x5eed_f00dL);
  VdpaDevice dev;
  VhostDeviceHandle handle;
  int memfd;
  int eventfd;

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
    TestLibC.close(memfd);
    TestLibC.close(eventfd);
  }

  /** One message: request, flags, payload, descriptors. */
  record Msg(int request, int flags, byte[] payload, int[] fds) {}

  List<Msg> validSetUp() {
    List<Msg> l = new ArrayList<>();
    l.add(new Msg(Message.SET_OWNER, 0, new byte[0], new int[0]));
    l.add(new Msg(Message.GET_FEATURES, 0, new byte[0], new int[0]));
    l.add(new Msg(Message.SET_FEATURES, 0, bytes(Frontend.u64(1L << 32)), new int[0]));
    l.add(new Msg(Message.SET_MEM_TABLE, 0, bytes(Frontend.table(new long[] {GPA, MEM, UVA, 0})), new int[] {memfd}));
    l.add(new Msg(Message.SET_VRING_NUM, 0, bytes(Frontend.state(1, 256)), new int[0]));
    l.add(new Msg(Message.SET_VRING_ADDR, 0, bytes(Frontend.addr(1, UVA, UVA + 0x2000, UVA + 0x1000)), new int[0]));
    l.add(new Msg(Message.SET_VRING_BASE, 0, bytes(Frontend.state(1, 0)), new int[0]));
    l.add(new Msg(Message.SET_VRING_CALL, 0, bytes(Frontend.u64(1)), new int[] {eventfd}));
    l.add(new Msg(Message.SET_VRING_KICK, 0, bytes(Frontend.u64(1)), new int[] {eventfd}));
    l.add(new Msg(Message.GET_VRING_BASE, 0, bytes(Frontend.state(1, 0)), new int[0]));
    return l;
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  Msg mutate(Msg m) {
    byte[] p = m.payload().clone();
    int request = m.request();
    int flags = m.flags();
    int[] fds = m.fds();
    switch (random.nextInt(6)) {
      case 0 -> request = random.nextInt(64);
      case 1 -> flags = random.nextInt(16);
      case 2 -> {
        if (p.length > 0) {
          p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 3 -> {
        if (p.length > 0) {
          ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * random.nextInt(p.length / 4), random.nextInt());
        }
      }
      case 4 -> p = java.util.Arrays.copyOf(p, Math.max(0, p.length + random.nextInt(17) - 8));
      default -> fds = random.nextBoolean() ? new int[0] : repeat(eventfd, 1 + random.nextInt(10));
    }
    return new Msg(request, flags, p, fds);
  }

  Msg randomMessage() {
    byte[] p = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : 8 * random.nextInt(6)];
    random.nextBytes(p);
    int[] fds = random.nextInt(5) == 0 ? repeat(random.nextBoolean() ? memfd : eventfd, 1 + random.nextInt(9)) : new int[0];
    return new Msg(random.nextInt(50), 1 | (random.nextBoolean() ? Message.NEED_REPLY : 0), p, fds);
  }

  static int[] repeat(int fd, int n) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, fd);
    return a;
  }

  void send(Frontend f, Msg m) throws IOException {
    ByteBuffer out = f.ch.outArea();
    out.clear();
    out.putInt(m.request()).putInt(m.flags() | (m.flags() == 0 ? 1 : 0)).putInt(m.payload().length).put(m.payload());
    f.ch.send(out.position(), m.fds(), 2_000);
  }

  @Test
  void mutatedMessagesNeverBreakTheBackend() throws Exception {
    dev = SimNetFixture.create("fuzz0");
    handle = new VhostDeviceHandle(dev, dir.resolve("fuzz0.sock"), TestSettings.with(dir, 2_000, 60_000, 500, false),
        LibC.getuid(), log);
    handle.start();
    memfd = TestLibC.memfd_create("fuzz", TestLibC.MFD_CLOEXEC | TestLibC.MFD_ALLOW_SEALING);
    assertThat(TestLibC.ftruncate(memfd, MEM)).isZero();
    eventfd = TestLibC.eventfd(0, 0);
    long baseline = sentKinds(); // the kinds of descriptor the fuzz sends
    int sent = 0;
    int connections = 0;
    while (sent < MESSAGES) {
      List<Msg> plan = random.nextBoolean() ? validSetUp() : new ArrayList<>();
      if (plan.isEmpty()) {
        for (int i = 0; i < 1 + random.nextInt(12); i++) {
          plan.add(randomMessage());
        }
      } else {
        int at = random.nextInt(plan.size());
        plan.set(at, mutate(plan.get(at)));
      }
      connections++;
      try (Frontend f = new Frontend(handle.socketPath())) {
        for (Msg m : plan) {
          send(f, m);
          sent++;
        }
      } catch (IOException closedByTheBackend) {
        sent++; // the message that met the closed socket was sent as far as the backend cared
      }
      assertThat(Await.until(() -> handle.server().session() == null, 5_000))
          .as("the session of connection " + connections + " ended\n" + log.lines).isTrue();
    }
    System.out.println("MessageFuzzTest: " + sent + " messages over " + connections + " connections, "
        + log.lines.stream().filter(l -> l.contains("protocol error")).count() + " protocol errors");
    assertThat(log.lines.stream().filter(l -> l.contains("backend failed on")).toList()).isEmpty();
    assertThat(Await.until(() -> sentKinds() == baseline, 5_000))
        .as("eventfds and memfds back to " + baseline + ", now " + sentKinds()).isTrue();
    assertThat(dev.status()).as("device reset after the last frontend").isZero();
    try (Frontend f = new Frontend(handle.socketPath())) {
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).as("still serving").isPositive();
    }
  }

  static long sentKinds() {
    return TestFds.count("anon_inode:[eventfd]", "/memfd:fuzz");
  }
}
