package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.vhost.SocketMode;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.unix.LibC;
import net.vdpa.unix.UnixChannel;
import net.vdpa.unix.UnixListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend as the socket's client: the test is the frontend and listens (as QEMU's
 * {@code server=on} and virtio-user's {@code server=1} do), the backend connects, is served like any
 * frontend's connection, and comes back when the frontend restarts. Real sockets, a real simulated
 * NIC.
 */
class ClientModeTest {
  static final int AREA = Message.HEADER + Message.MAX_PAYLOAD;

  @TempDir Path dir;
  final TestLog log = new TestLog();
  VhostDeviceHandle handle;
  UnixListener listener;

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
    if (listener != null) {
      listener.close();
    }
  }

  static Settings client(Path dir, String device, Path socket, Settings.Reconnect reconnect) {
    return client(dir, device, socket, reconnect, false);
  }

  static Settings client(Path dir, String device, Path socket, Settings.Reconnect reconnect, boolean strict) {
    return new Settings(1, dir, false, Map.of(), Map.of(device, socket), 10_000, 60_000, 5_000, strict, reconnect, false);
  }

  VhostDeviceHandle start(String device, Path socket, Settings.Reconnect reconnect, int runtimeUid) throws IOException {
    VdpaDevice dev = SimNetFixture.create(device);
    handle = new VhostDeviceHandle(dev, SocketMode.CLIENT, socket, client(dir, device, socket, reconnect), runtimeUid,
        log);
    handle.start();
    return handle;
  }

  VhostUserClient client() {
    return (VhostUserClient) handle.endpoint();
  }

  /** Listens on the path as a frontend does and takes the backend's connection. */
  Frontend awaitBackend(Path socket) throws IOException {
    listener = UnixListener.bind(socket, 4);
    UnixChannel ch = listener.accept(5_000, AREA, 253);
    assertThat(ch).as("the backend connects within 5 s\n" + log.lines).isNotNull();
    return new Frontend(ch);
  }

  static void assertServed(Frontend f) throws IOException {
    f.send(Message.SET_OWNER, null);
    f.send(Message.GET_FEATURES, null);
    assertThat(f.replyU64()).as("the backend answers GET_FEATURES").isPositive();
  }

  long lines(String text) {
    return log.lines.stream().filter(l -> l.contains(text)).count();
  }

  @Test
  void theBackendConnectsToAListeningFrontendAndComesBackWhenTheFrontendRestarts() throws Exception {
    Path sock = dir.resolve("fe.sock");
    start("cli0", sock, new Settings.Reconnect(1, 20, 60_000), LibC.getuid());
    assertThat(handle.socketMode()).isEqualTo(SocketMode.CLIENT);
    assertThat(handle.socketPath()).isEqualTo(sock);
    assertThat(handle.frontendConnected()).as("no frontend yet: waiting").isFalse();

    try (Frontend f = awaitBackend(sock)) {
      assertServed(f);
      assertThat(handle.frontendConnected()).isTrue();
      assertThat(handle.owner()).hasValueSatisfying(o -> assertThat(o).startsWith("vhost-user frontend pid "
          + ProcessHandle.current().pid()));
    }
    // the frontend is killed: its socket file stays behind, nobody listens on it
    listener.close();
    listener = null;
    assertThat(Await.until(() -> !handle.frontendConnected() && handle.owner().isEmpty(), 5_000))
        .as("the session ends when the frontend goes\n" + log.lines).isTrue();
    long before = client().attempts();
    assertThat(Await.until(() -> client().attempts() >= before + 5, 5_000))
        .as("the backend keeps trying the stale socket").isTrue();
    assertThat(handle.frontendConnected()).isFalse();

    // a new frontend on the same path (it replaces the stale socket, as QEMU and DPDK do)
    Files.delete(sock);
    try (Frontend f = awaitBackend(sock)) {
      assertServed(f);
      assertThat(handle.frontendConnected()).isTrue();
    }
    assertThat(lines("connected (the backend connected to its socket " + sock + ", client mode)")).as(log.lines.toString())
        .isEqualTo(2);
    assertThat(lines(" disconnected (")).as(log.lines.toString()).isGreaterThanOrEqualTo(1);
    assertThat(log.lines.stream().filter(l -> l.startsWith("WARN"))).as("an absent frontend is no problem")
        .isEmpty();
  }

  @Test
  void aThousandFailedAttemptsLogABoundedNumberOfLines() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("run"));
    Path sock = sub.resolve("absent.sock");
    start("cli1", sock, new Settings.Reconnect(1, 1, 200), LibC.getuid());
    assertThat(Await.until(() -> client().attempts() >= 1_000, 60_000)).as("1,000 attempts").isTrue();
    // no socket: one line at start, one warning once the frontend has been away 200 ms
    assertThat(log.lines).as(log.lines.toString()).hasSize(2);
    assertThat(lines("no vhost-user frontend on " + sock + " for ")).isEqualTo(1);

    // a stale socket nobody listens on: still nothing per attempt
    UnixListener.bind(sock, 1).close();
    long stale = client().attempts();
    assertThat(Await.until(() -> client().attempts() >= stale + 1_000, 60_000)).isTrue();
    assertThat(log.lines).as(log.lines.toString()).hasSize(2);

    // a problem the operator must fix: said once, however often it is met
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxrwx"));
    long unsafe = client().attempts();
    assertThat(Await.until(() -> client().attempts() >= unsafe + 1_000, 60_000)).isTrue();
    assertThat(log.lines).as(log.lines.toString()).hasSize(3);
    assertThat(lines("has mode 777: others could put their own socket there")).isEqualTo(1);
    assertThat(handle.frontendConnected()).isFalse();
  }

  @Test
  void unbindingDuringTheRetryPauseStopsTheThreadAtOnce() throws Exception {
    start("cli2", dir.resolve("late.sock"), new Settings.Reconnect(60_000, 60_000, 600_000), LibC.getuid());
    assertThat(Await.until(() -> client().attempts() >= 1, 5_000)).isTrue();
    Thread t = client().thread();
    assertThat(t.isAlive()).isTrue();
    long began = System.nanoTime();
    handle.revoke("device cli2 removed from vhost_vdpa");
    t.join(2_000);
    long tookMillis = (System.nanoTime() - began) / 1_000_000L;
    assertThat(t.isAlive()).as("the retry thread ended").isFalse();
    assertThat(tookMillis).as("at once, not after the 60 s pause").isLessThan(1_000);
    assertThat(client().attempts()).isEqualTo(1);
  }

  @Test
  void unbindingWhileConnectedClosesTheFrontendsConnectionAndStopsTheThread() throws Exception {
    Path sock = dir.resolve("live.sock");
    start("cli3", sock, new Settings.Reconnect(1, 20, 60_000), LibC.getuid());
    try (Frontend f = awaitBackend(sock)) {
      assertServed(f);
      handle.revoke("device cli3 removed from vhost_vdpa");
      assertThat(f.closedByBackend(5_000)).as("the frontend sees the backend go").isTrue();
      client().thread().join(2_000);
      assertThat(client().thread().isAlive()).isFalse();
      assertThat(listener.accept(300, AREA, 253)).as("and no new connection comes").isNull();
    }
    assertThat(Files.exists(sock)).as("the frontend's socket is the frontend's: it stays").isTrue();
  }

  @Test
  void theFrontendsCredentialsDecideWhichMemoryIsAccepted() throws Exception {
    int runtimeUid = LibC.getuid() + 1; // the runtime appears to run as someone else than this frontend
    Path sock = dir.resolve("mem.sock");
    start("cli4", sock, new Settings.Reconnect(1, 20, 60_000), runtimeUid);
    int mem = TestLibC.memfd_create("guest", TestLibC.MFD_CLOEXEC);
    try {
      assertThat(TestLibC.ftruncate(mem, 1 << 20)).isZero();
      try (Frontend f = awaitBackend(sock)) {
        f.send(Message.SET_OWNER, null);
        f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {0x10_0000L, 1 << 20, 0x7f00_0000_0000L, 0}), mem);
        assertThat(f.closedByBackend(5_000)).isTrue();
      }
    } finally {
      TestLibC.close(mem);
    }
    assertThat(log.contains("not as the runtime's uid " + runtimeUid)).as(log.lines.toString()).isTrue();
  }

  @Test
  void whileAnInProcessHandleHoldsTheDeviceTheBackendDoesNotConnectAndSaysSoOnce() throws Exception {
    Path sock = dir.resolve("held.sock");
    start("cli5", sock, new Settings.Reconnect(1, 1, 600_000), LibC.getuid());
    try (var held = handle.open("test-owner")) {
      listener = UnixListener.bind(sock, 4);
      long before = client().attempts();
      assertThat(Await.until(() -> client().attempts() >= before + 200, 10_000)).isTrue();
      assertThat(listener.accept(0, AREA, 253)).as("no connection while the device is held").isNull();
      assertThat(lines("the device is held by test-owner")).as(log.lines.toString()).isEqualTo(1);
    }
    UnixChannel ch = listener.accept(5_000, AREA, 253);
    assertThat(ch).as("connected once the handle is closed").isNotNull();
    try (Frontend f = new Frontend(ch)) {
      assertServed(f);
    }
  }

  @Test
  void aFrontendThatEndsEveryConnectionAtOnceIsLeftAloneUntilItsSocketIsNew() throws Exception {
    Path sock = dir.resolve("flaky.sock");
    start("cli7", sock, new Settings.Reconnect(1, 500, 60_000), LibC.getuid());
    listener = UnixListener.bind(sock, 4);
    int connections = 0;
    UnixChannel ch;
    while ((ch = listener.accept(2_000, AREA, 253)) != null) {
      ch.close(); // the frontend hangs up at once, every time
      connections++;
      assertThat(connections).as("the backend stops reconnecting\n" + log.lines).isLessThan(20);
    }
    assertThat(connections).isGreaterThanOrEqualTo(VhostUserClient.MAX_QUICK_ENDS);
    assertThat(lines("not connecting to it again until its socket is created anew")).as(log.lines.toString())
        .isEqualTo(1);
    long linesWhileParked = log.lines.size();
    long parkedAttempts = client().attempts();
    assertThat(Await.until(() -> client().attempts() >= parkedAttempts + 3, 10_000)).isTrue();
    assertThat(log.lines).as("nothing more is said while it waits").hasSize((int) linesWhileParked);

    // the frontend restarts: a new socket at the same path
    listener.close();
    Files.delete(sock);
    try (Frontend f = awaitBackend(sock)) {
      assertServed(f);
    }
  }

  @Test
  void anUnsafeDirectoryFailsTheStartNamingIt() throws IOException {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    VdpaDevice dev = SimNetFixture.create("cli6");
    Path sock = open.resolve("fe.sock");
    VhostDeviceHandle h = new VhostDeviceHandle(dev, SocketMode.CLIENT, sock,
        client(dir, "cli6", sock, Settings.Reconnect.DEFAULT), LibC.getuid(), log);
    assertThatThrownBy(h::start).isInstanceOf(IOException.class).hasMessage("the directory of vhost-user frontend socket "
        + sock + " (" + open + ") has mode 777: others could put their own socket there; use a directory only the"
        + " frontend's user can write, or a sticky one");
    h.revoke("test over");
  }
}
