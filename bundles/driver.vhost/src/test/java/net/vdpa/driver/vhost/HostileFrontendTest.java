package net.vdpa.driver.vhost;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.testkit.devices.SimNetFixture;
import net.vdpa.testpmd.Testpmd;
import net.vdpa.unix.LibC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frontends that attack the backend: they shrink the memory they shared, flood it with descriptors,
 * share read-only memory, reconnect at once, say nothing, stall mid-message or hold the device idle.
 * Each talks real vhost-user over a real socket to the real backend and a real simulated NIC; the
 * test process is the runtime, so a crash would end the test run.
 */
class HostileFrontendTest {
  static final long GPA = 0x10_0000L;
  static final long UVA = 0x7f00_0000_0000L;
  static final int MEM = 1 << 20;
  static final long VERSION_1 = 1L << 32;

  @TempDir Path dir;
  final TestLog log = new TestLog();
  final List<Integer> ownFds = new ArrayList<>();
  VdpaDevice dev;
  VhostDeviceHandle handle;

  void start(Settings s, int runtimeUid) throws IOException {
    dev = SimNetFixture.create("hostile0");
    handle = new VhostDeviceHandle(dev, dir.resolve("hostile0.sock"), s, runtimeUid, log);
    handle.start();
  }

  void start(Settings s) throws IOException {
    start(s, LibC.getuid());
  }

  @AfterEach
  void stop() {
    if (handle != null) {
      handle.revoke("test over");
    }
    for (int fd : ownFds) {
      TestLibC.close(fd);
    }
  }

  int own(int fd) {
    assertThat(fd).as("a descriptor for the test").isGreaterThanOrEqualTo(0);
    ownFds.add(fd);
    return fd;
  }

  int memfd(boolean sealable) {
    int fd = own(TestLibC.memfd_create("guest", TestLibC.MFD_CLOEXEC | (sealable ? TestLibC.MFD_ALLOW_SEALING : 0)));
    assertThat(TestLibC.ftruncate(fd, MEM)).isZero();
    return fd;
  }

  static MappedByteBuffer map(int fd) throws IOException {
    try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, MEM);
      m.order(ByteOrder.LITTLE_ENDIAN);
      return m;
    }
  }

  Frontend connect() throws IOException {
    return new Frontend(handle.socketPath());
  }

  void assertServedNext() throws IOException {
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).as("the next frontend is served\n" + log.lines).isPositive();
    }
  }

  /** Sets up the transmit ring (vring 1) in the memory: descriptors at 0, avail 0x1000, used 0x2000. */
  void setUpTxRing(Frontend f, int memFd, int kick, int call) throws IOException {
    f.send(Message.SET_OWNER, null);
    f.send(Message.SET_FEATURES, Frontend.u64(VERSION_1));
    f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), memFd);
    f.send(Message.SET_VRING_NUM, Frontend.state(1, 256));
    f.send(Message.SET_VRING_ADDR, Frontend.addr(1, UVA, UVA + 0x2000, UVA + 0x1000));
    f.send(Message.SET_VRING_BASE, Frontend.state(1, 0));
    f.send(Message.SET_VRING_CALL, Frontend.u64(1), call);
    f.send(Message.SET_VRING_KICK, Frontend.u64(1), kick);
  }

  /** Puts one 60-byte frame (after its 12-byte header) on the transmit ring and kicks. */
  static void transmit(MappedByteBuffer m, int kick) {
    m.putLong(0, GPA + 0x3000).putInt(8, 12 + 60).putShort(12, (short) 0).putShort(14, (short) 0);
    for (int i = 0; i < 72; i++) {
      m.put(0x3000 + i, (byte) (i < 12 ? 0 : 0xff)); // broadcast frame of 0xff bytes
    }
    m.putShort(0x1000 + 4, (short) 0);
    m.putShort(0x1000 + 2, (short) 1);
    try (Memory one = new Memory(8)) {
      one.setLong(0, 1);
      assertThat(LibC.write(kick, one, 8)).isEqualTo(8);
    }
  }

  static boolean readable(int fd, int timeoutMillis) {
    try (Memory p = new Memory(8)) {
      p.setInt(0, fd);
      p.setShort(4, LibC.POLLIN);
      p.setShort(6, (short) 0);
      return LibC.poll(p, 1, timeoutMillis) > 0;
    }
  }

  @Test
  void shrinkingSealedMemoryFailsInTheFrontendAndTheDeviceKeepsWorking() throws Exception {
    start(TestSettings.defaults(dir));
    int mem = memfd(true);
    MappedByteBuffer m = map(mem);
    int kick = own(TestLibC.eventfd(0, 0));
    int call = own(TestLibC.eventfd(0, 0));
    try (Frontend f = connect()) {
      setUpTxRing(f, mem, kick, call);
      assertThat(Await.until(() -> handle.server().session() != null && handle.server().session().running(), 5_000))
          .as(log.lines.toString()).isTrue();
      assertThat(log.contains("region 0 sealed by the backend, read-write")).as(log.lines.toString()).isTrue();

      assertThat(TestLibC.ftruncate(mem, 0)).as("shrinking to nothing is refused by the kernel").isEqualTo(-1);
      assertThat(TestLibC.ftruncate(mem, 4096)).as("shrinking a little too").isEqualTo(-1);
      assertThat(Files.size(Path.of("/proc/self/fd/" + mem))).isEqualTo(MEM);

      transmit(m, kick);
      assertThat(readable(call, 5_000)).as("the device used the frame and notified").isTrue();
      assertThat(m.getShort(0x2000 + 2)).isEqualTo((short) 1);
      assertThat(SimNetFixture.stat(dev, 1, "tx_packets")).isEqualTo(1);
    }
  }

  @Test
  void anAttackOnOneDeviceLeavesAnotherDevicePassingTraffic() throws Exception {
    if (!Testpmd.available()) {
      System.out.println("dpdk-testpmd is not installed: skipping the test with a second device under traffic");
    }
    Assumptions.assumeTrue(Testpmd.available());
    start(TestSettings.defaults(dir));
    VdpaDevice victim = SimNetFixture.create("victim0");
    VhostDeviceHandle victimHandle = TestSettings.handle(victim, dir.resolve("victim0.sock"), TestSettings.defaults(dir), log);
    victimHandle.start();
    try (Testpmd t = Testpmd.virtioUser(victimHandle.socketPath(), "hostile", "--forward-mode=txonly",
        "--eth-peer=0," + SimNetFixture.mac(victim))) {
      t.awaitPrompt(30_000);
      t.command("start");
      assertThat(Await.until(() -> SimNetFixture.stat(victim, 1, "tx_packets") > 10_000, 20_000)).as(t.output()).isTrue();

      int mem = memfd(true);
      int kick = own(TestLibC.eventfd(0, 0));
      int call = own(TestLibC.eventfd(0, 0));
      try (Frontend f = connect()) {
        setUpTxRing(f, mem, kick, call);
        assertThat(Await.until(() -> handle.server().session() != null && handle.server().session().running(), 5_000))
            .isTrue();
        assertThat(TestLibC.ftruncate(mem, 0)).isEqualTo(-1);
        transmit(map(mem), kick);
        int[] flood = new int[250];
        for (int i = 0; i < flood.length; i++) {
          flood[i] = TestLibC.dup(kick);
        }
        try {
          f.send(Message.GET_FEATURES, null, flood);
        } finally {
          for (int fd : flood) {
            TestLibC.close(fd);
          }
        }
        assertThat(f.closedByBackend(5_000)).isTrue();
      }
      long after = SimNetFixture.stat(victim, 1, "tx_packets");
      assertThat(Await.until(() -> SimNetFixture.stat(victim, 1, "tx_packets") > after + 10_000, 20_000))
          .as("the other device still passes traffic").isTrue();
      t.command("stop");
      assertThat(t.interrupt(10_000)).isTrue();
    } finally {
      victimHandle.revoke("test over");
    }
  }

  @Test
  void memoryThatCannotBeSealedIsRefusedFromAnotherUser() throws Exception {
    int runtimeUid = LibC.getuid() + 1; // the runtime appears to run as someone else than this frontend
    start(TestSettings.defaults(dir), runtimeUid);
    int mem = memfd(false);
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), mem);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("memory region 0 cannot be sealed against shrinking")).as(log.lines.toString()).isTrue();
    assertThat(log.contains("not as the runtime's uid " + runtimeUid)).as(log.lines.toString()).isTrue();
    assertServedNext();
  }

  @Test
  void memoryThatCannotBeSealedIsAcceptedFromTheSameUserWithOneWarningPerConnection() throws Exception {
    start(TestSettings.defaults(dir));
    int mem = memfd(false);
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), mem);
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), mem);
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).as("still connected").isPositive();
    }
    assertThat(log.lines.stream().filter(l -> l.startsWith("WARN") && l.contains("cannot be sealed")).count())
        .as(log.lines.toString()).isEqualTo(1);
    assertThat(log.contains("region 0 NOT sealable")).isTrue();
  }

  @Test
  void strictMemoryRefusesUnsealableMemoryFromTheSameUser() throws Exception {
    start(TestSettings.with(dir, 10_000, 60_000, 5_000, true));
    int mem = memfd(false);
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), mem);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("strict_memory is set")).as(log.lines.toString()).isTrue();
  }

  @Test
  void readOnlyMemoryIsMappedReadOnlyAndARingThatMustBeWrittenThereIsRefused() throws Exception {
    start(TestSettings.defaults(dir));
    Path file = dir.resolve("readonly.mem");
    byte[] content = new byte[MEM];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    Files.write(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    int ro = own(TestLibC.open(file.toString(), TestLibC.O_RDONLY | TestLibC.O_CLOEXEC));
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_FEATURES, Frontend.u64(VERSION_1));
      f.send(Message.SET_MEM_TABLE, Frontend.table(new long[] {GPA, MEM, UVA, 0}), ro);
      f.send(Message.SET_VRING_NUM, Frontend.state(0, 256));
      f.send(Message.SET_VRING_ADDR, Frontend.addr(0, UVA, UVA + 0x2000, UVA + 0x1000));
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("region 0 NOT sealable, read-only")).as(log.lines.toString()).isTrue();
    assertThat(log.contains("used ring at uva 0x7f0000002000 lies in memory the frontend shared read-only"))
        .as(log.lines.toString()).isTrue();
    assertThat(Files.readAllBytes(file)).as("the read-only file is untouched").isEqualTo(content);
    assertServedNext();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 8, 9, 64, 250, 253})
  void everyDescriptorAMessageBringsIsClosedOrKept(int count) throws Exception {
    start(TestSettings.defaults(dir));
    assertServedNext(); // the backend's threads and buffers exist before the baseline
    assertThat(Await.until(() -> handle.server().session() == null, 5_000)).isTrue();
    long baseline = eventFdCount(); // the descriptors sent are eventfds: count those, not lazily opened jars
    int efd = TestLibC.eventfd(0, 0);
    int[] fds = new int[count];
    for (int i = 0; i < count; i++) {
      fds[i] = TestLibC.dup(efd);
    }
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null, fds);
      assertThat(f.closedByBackend(5_000)).as("connection closed").isTrue();
    } finally {
      for (int fd : fds) {
        TestLibC.close(fd);
      }
      TestLibC.close(efd);
    }
    String reason = count <= Message.MAX_FDS ? "GET_FEATURES came with " + count + " fds, expected 0"
        : "carried " + count + " file descriptors, more than " + Message.MAX_FDS;
    assertThat(log.contains(reason)).as(log.lines.toString()).isTrue();
    assertThat(Await.until(() -> eventFdCount() == baseline, 5_000))
        .as("open eventfds back to " + baseline + ", now " + eventFdCount()).isTrue();
    assertServedNext();
  }

  /** The eventfds this process has open. */
  static long eventFdCount() {
    return TestFds.count("anon_inode:[eventfd]");
  }

  @Test
  void aFullCallCounterNeitherBlocksTheDeviceNorItsTeardown() throws Exception {
    start(TestSettings.defaults(dir));
    int mem = memfd(true);
    MappedByteBuffer m = map(mem);
    int kick = own(TestLibC.eventfd(0, 0));
    int call = own(TestLibC.eventfd(0, 0)); // blocking, as the frontend made it
    try (Memory max = new Memory(8)) {
      max.setLong(0, 0xffff_ffff_ffff_fffeL); // the counter's maximum: a further write would block
      assertThat(LibC.write(call, max, 8)).isEqualTo(8);
    }
    try (Frontend f = connect()) {
      setUpTxRing(f, mem, kick, call);
      assertThat(Await.until(() -> handle.server().session() != null && handle.server().session().running(), 5_000))
          .as(log.lines.toString()).isTrue();
      transmit(m, kick);
      assertThat(Await.until(() -> m.getShort(0x2000 + 2) == 1, 5_000)).as("the frame was used").isTrue();
      assertThat(SimNetFixture.stat(dev, 1, "tx_packets")).isEqualTo(1);
      long t0 = System.nanoTime();
      handle.revoke("test: teardown with a full call counter");
      assertThat((System.nanoTime() - t0) / 1_000_000L).as("revoke took ms").isLessThan(2_000);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    handle = null;
  }

  @Test
  void aKickDescriptorThatIsNotAnEventfdIsRefused() throws Exception {
    start(TestSettings.defaults(dir));
    int zero = own(TestLibC.open("/dev/zero", TestLibC.O_RDONLY | TestLibC.O_CLOEXEC));
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_VRING_KICK, Frontend.u64(1), zero);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("SET_VRING_KICK for vring 1 came with a descriptor that is not an eventfd"))
        .as(log.lines.toString()).isTrue();
    assertServedNext();
  }

  @Test
  void controlMessagesDoNotKeepAnIdleOwner() throws Exception {
    start(TestSettings.with(dir, 10_000, 300, 5_000, false));
    int mem = memfd(true);
    MappedByteBuffer m = map(mem);
    int kick = own(TestLibC.eventfd(0, 0));
    int call = own(TestLibC.eventfd(0, 0));
    try (Frontend idle = connect()) {
      setUpTxRing(idle, mem, kick, call);
      assertThat(Await.until(() -> handle.server().session() != null && handle.server().session().running(), 5_000))
          .isTrue();
      for (int base = 1; base <= 6; base++) { // a ring restarted at a new base: control, not traffic
        idle.send(Message.GET_VRING_BASE, Frontend.state(1, 0)); // stops the ring
        assertThat(idle.replyU64()).isNotNegative();
        m.putShort(0x1000 + 2, (short) (base * 1000)); // avail.idx agrees with the base: nothing to take
        idle.send(Message.SET_VRING_BASE, Frontend.state(1, base * 1000));
        idle.send(Message.SET_VRING_KICK, Frontend.u64(1), kick);
        idle.send(Message.GET_FEATURES, null);
        assertThat(idle.replyU64()).isPositive();
        assertThat(idle.closedByBackend(100)).isFalse();
      }
      assertServedNext();
      assertThat(idle.closedByBackend(5_000)).as("the idle one was revoked").isTrue();
    }
  }

  @Test
  void aSecondHandshakeAfterResetOwnerGetsItsOwnDeadline() throws Exception {
    start(TestSettings.with(dir, 300, 60_000, 5_000, false));
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      assertThat(f.closedByBackend(500)).as("past the first deadline, owned").isFalse();
      f.send(Message.RESET_OWNER, null);
      f.send(Message.SET_OWNER, null);
      f.send(Message.GET_FEATURES, null);
      assertThat(f.replyU64()).as("the second handshake is served").isPositive();
    }
  }

  @Test
  void aHundredImmediateReconnectsAreAllServed() throws Exception {
    start(TestSettings.defaults(dir));
    for (int i = 0; i < 100; i++) {
      try (Frontend f = connect()) {
        f.send(Message.SET_OWNER, null);
        f.send(Message.GET_FEATURES, null);
        assertThat(f.replyU64()).as("reconnect " + i + " served\n" + log.lines).isPositive();
      }
    }
    assertThat(log.contains("refused")).as(log.lines.toString()).isFalse();
  }

  @Test
  void aSilentFrontendIsDisconnectedAtTheHandshakeDeadline() throws Exception {
    start(TestSettings.with(dir, 300, 60_000, 5_000, false));
    try (Frontend f = connect()) {
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("no SET_OWNER within 300 ms of connecting")).as(log.lines.toString()).isTrue();
    assertServedNext();
  }

  @Test
  void anIdleOwnerGivesTheDeviceToTheNextFrontend() throws Exception {
    start(TestSettings.with(dir, 10_000, 300, 5_000, false));
    try (Frontend idle = connect()) {
      idle.send(Message.SET_OWNER, null);
      assertThat(idle.closedByBackend(500)).as("a lone idle frontend keeps the device").isFalse();
      assertServedNext();
      assertThat(idle.closedByBackend(5_000)).as("the idle one was revoked").isTrue();
    }
    assertThat(log.contains("revoked: idle for")).as(log.lines.toString()).isTrue();
  }

  @Test
  void aBusyOwnerKeepsTheDeviceAndAThousandRefusalsAreLoggedOnce() throws Exception {
    start(TestSettings.defaults(dir));
    try (Frontend owner = connect()) {
      owner.send(Message.SET_OWNER, null);
      owner.send(Message.GET_FEATURES, null);
      assertThat(owner.replyU64()).isPositive();
      int before = log.lines.size();
      for (int i = 0; i < 1000; i++) {
        try (Frontend late = connect()) {
          assertThat(late.closedByBackend(5_000)).as("retry " + i + " refused").isTrue();
        }
      }
      // a frontend retrying in a loop (QEMU's reconnect, a script) must not flood the log
      assertThat(log.lines.size() - before).as("log lines for 1,000 refused retries").isLessThanOrEqualTo(2);
      owner.send(Message.GET_FEATURES, null);
      assertThat(owner.replyU64()).as("the owner still holds the device").isPositive();
    }
    assertThat(log.lines.stream().filter(l -> l.contains("refused: the device is owned by")).count())
        .as(log.lines.toString()).isEqualTo(1);
  }

  @Test
  void aFrontendThatStallsInsideAMessageIsDisconnected() throws Exception {
    start(TestSettings.with(dir, 10_000, 60_000, 300, false));
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      ByteBuffer out = f.ch.outArea();
      out.clear();
      out.putInt(Message.SET_FEATURES).putInt(Message.VERSION).putInt(8).putInt(0); // 4 of 8 payload bytes
      f.ch.send(out.position(), new int[0], 5_000);
      assertThat(f.closedByBackend(5_000)).isTrue();
    }
    assertThat(log.contains("sent 4 of 8 bytes and then nothing for 300 ms")).as(log.lines.toString()).isTrue();
    assertServedNext();
  }

  @Test
  void aFrontendThatDoesNotReadItsRepliesIsDisconnected() throws Exception {
    start(TestSettings.with(dir, 10_000, 60_000, 300, false));
    try (Frontend f = connect()) {
      f.send(Message.SET_OWNER, null);
      try {
        for (int i = 0; i < 200_000; i++) {
          f.send(Message.GET_FEATURES, null);
        }
      } catch (IOException expected) {
        // the backend gave up on us and closed
      }
    }
    assertThat(Await.until(() -> log.contains("has not read its replies for 300 ms"), 5_000))
        .as(log.lines.toString()).isTrue();
    assertServedNext();
  }
}
