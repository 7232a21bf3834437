package net.vdpa.driver.vhost;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.testkit.devices.SimNetFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import static net.vdpa.driver.vhost.Frontend.addr;
import static net.vdpa.driver.vhost.Frontend.state;
import static net.vdpa.driver.vhost.Frontend.table;
import static net.vdpa.driver.vhost.Frontend.u64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hand-written frontend sends each kind of bad input; each one ends the connection with the
 * reason logged (and an error reply where one was asked for), the device is reset, and the socket
 * accepts the next frontend.
 */
class BadInputTest {
  static final long GPA = 0x10_0000L;
  static final long UVA = 0x7f00_0000_0000L;
  static final int MEM = 1 << 20;

  @TempDir Path dir;
  VdpaDevice dev;
  TestLog log;
  VhostDeviceHandle handle;
  RandomAccessFile memFile;
  MappedByteBuffer mem;

  @BeforeEach
  void start() throws IOException {
    dev = SimNetFixture.create("bad0");
    log = new TestLog();
    handle = TestSettings.handle(dev, dir.resolve("bad0.sock"), TestSettings.defaults(dir), log);
    handle.start();
    memFile = new RandomAccessFile(dir.resolve("guest.mem").toFile(), "rw");
    memFile.setLength(MEM);
    mem = memFile.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, MEM);
    mem.order(ByteOrder.LITTLE_ENDIAN);
  }

  @AfterEach
  void stop() throws IOException {
    handle.revoke("test over");
    memFile.close();
  }

  /** A raw frontend on junixsocket's client: another project's Unix socket code than the backend's. */
  final class JunixFrontend implements AutoCloseable {
    final AFUNIXSocketChannel ch;

    JunixFrontend() throws IOException {
      ch = AFUNIXSocketChannel.open(AFUNIXSocketAddress.of(handle.socketPath()));
    }

    void send(int request, int flags, ByteBuffer payload, FileDescriptor... fds) throws IOException {
      int size = payload == null ? 0 : payload.remaining();
      ByteBuffer b = ByteBuffer.allocate(12 + size).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(request).putInt(Message.VERSION | flags).putInt(size);
      if (payload != null) {
        b.put(payload);
      }
      b.flip();
      if (fds.length > 0) {
        ch.setOutboundFileDescriptors(fds);
      }
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }

    void send(int request, ByteBuffer payload, FileDescriptor... fds) throws IOException {
      send(request, 0, payload, fds);
    }

    /** The u64 of a reply, or -1 at end of stream. */
    long replyU64() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b) < 0) {
          return -1;
        }
      }
      return b.getLong(12);
    }

    /** True once the backend closed the connection. */
    boolean closedByBackend() throws IOException {
      ByteBuffer b = ByteBuffer.allocate(64);
      ch.socket().setSoTimeout(5000);
      return ch.read(b) < 0;
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }

  FileDescriptor memFd() throws IOException {
    return memFile.getFD();
  }

  /** Sends one bad request after SET_OWNER and checks the outcome. */
  void assertRefused(String reason, Sender bad) throws Exception {
    try (JunixFrontend f = new JunixFrontend()) {
      f.send(Message.SET_OWNER, null);
      bad.send(f);
      assertThat(f.closedByBackend()).as("connection closed for " + reason).isTrue();
    }
    awaitFree();
    assertThat(log.contains(reason)).as("log names: " + reason + "\n" + log.lines).isTrue();
    assertThat(dev.status()).isZero();
    assertNextFrontendServed();
  }

  interface Sender {
    void send(JunixFrontend f) throws Exception;
  }

  void awaitFree() throws InterruptedException {
    assertThat(Await.until(() -> handle.owner().isEmpty(), 5_000)).as("device free again").isTrue();
  }

  void assertNextFrontendServed() throws Exception {
    try (JunixFrontend f = new JunixFrontend()) {
      f.send(Message.GET_FEATURES, null);
      long features = f.replyU64();
      assertThat(features & (1L << Message.F_PROTOCOL_FEATURES)).isNotZero();
      assertThat(features & (1L << 17)).as("CTRL_VQ is not offered: virtio-user emulates it").isZero();
    }
    awaitFree();
  }

  @Test
  void unknownRequest() throws Exception {
    assertRefused("request 99 is not implemented", f -> f.send(99, null));
  }

  @Test
  void wrongPayloadSize() throws Exception {
    assertRefused("SET_FEATURES payload is 4 bytes, expected 8",
        f -> f.send(Message.SET_FEATURES, ByteBuffer.allocate(4)));
  }

  @Test
  void extraFd() throws Exception {
    assertRefused("GET_FEATURES came with 1 fds, expected 0", f -> f.send(Message.GET_FEATURES, null, memFd()));
  }

  @Test
  void missingKickFd() throws Exception {
    assertRefused("SET_VRING_KICK without NOFD came with 0 fds", f -> f.send(Message.SET_VRING_KICK, u64(1)));
  }

  @Test
  void overlappingRegions() throws Exception {
    assertRefused("overlaps region 0", f -> f.send(Message.SET_MEM_TABLE,
        table(new long[] {GPA, MEM / 2, UVA, 0}, new long[] {GPA + 4096, MEM / 2, UVA + MEM, MEM / 2}),
        memFd(), memFd()));
  }

  @Test
  void regionOfSizeZero() throws Exception {
    assertRefused("memory region 0 has size 0",
        f -> f.send(Message.SET_MEM_TABLE, table(new long[] {GPA, 0, UVA, 0}), memFd()));
  }

  @Test
  void regionLongerThanItsFile() throws Exception {
    assertRefused("fewer than mmap offset",
        f -> f.send(Message.SET_MEM_TABLE, table(new long[] {GPA, 1L << 40, UVA, 0}), memFd()));
  }

  @Test
  void ringOutsideTheMemoryTable() throws Exception {
    assertRefused("is not inside the memory table", f -> {
      f.send(Message.SET_MEM_TABLE, table(new long[] {GPA, MEM, UVA, 0}), memFd());
      f.send(Message.SET_VRING_NUM, state(1, 256));
      f.send(Message.SET_VRING_ADDR, addr(1, UVA + MEM - 64, UVA + 0x2000, UVA + 0x1000));
    });
  }

  @Test
  void vringIndexOutOfRange() throws Exception {
    assertRefused("vring index 77 is outside", f -> f.send(Message.SET_VRING_NUM, state(77, 256)));
  }

  @Test
  void memTableBeforeSetOwnerIsTheWrongState() throws Exception {
    try (JunixFrontend f = new JunixFrontend()) {
      f.send(Message.SET_MEM_TABLE, table(new long[] {GPA, MEM, UVA, 0}), memFd());
      assertThat(f.closedByBackend()).isTrue();
    }
    awaitFree();
    assertThat(log.contains("SET_MEM_TABLE before SET_OWNER")).isTrue();
    assertNextFrontendServed();
  }

  @Test
  void configWithoutItsProtocolFeatureIsTheWrongState() throws Exception {
    assertRefused("GET_CONFIG without the CONFIG protocol feature",
        f -> f.send(Message.GET_CONFIG, ByteBuffer.allocate(12 + 6)));
  }

  @Test
  void needReplyGetsAnAckAndAnErrorBeforeTheClose() throws Exception {
    try (JunixFrontend f = new JunixFrontend()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_PROTOCOL_FEATURES, u64(1L << Message.PF_REPLY_ACK));
      f.send(Message.SET_VRING_NUM, Message.NEED_REPLY, state(0, 256));
      assertThat(f.replyU64()).as("success ack").isZero();
      f.send(Message.SET_VRING_NUM, Message.NEED_REPLY, state(0, 100));
      assertThat(f.replyU64()).as("error ack").isEqualTo(1);
      assertThat(f.closedByBackend()).isTrue();
    }
    awaitFree();
    assertThat(log.contains("SET_VRING_NUM 100 for vring 0 is not a power of two")).isTrue();
  }

  @Test
  void descriptorOutsideTheFrontendMemoryStopsTheRingAndResetsTheDevice() throws Exception {
    // a transmit ring in the frontend's memory: descriptors at 0, avail at 0x1000, used at 0x2000
    mem.putLong(0, 0xdead_0000_0000L).putInt(8, 64).putShort(12, (short) 0).putShort(14, (short) 0);
    mem.putShort(0x1000 + 4, (short) 0); // avail.ring[0] = descriptor 0
    mem.putShort(0x1000 + 2, (short) 1); // avail.idx = 1
    try (JunixFrontend f = new JunixFrontend()) {
      f.send(Message.SET_OWNER, null);
      f.send(Message.SET_FEATURES, u64(1L << 32));
      f.send(Message.SET_MEM_TABLE, table(new long[] {GPA, MEM, UVA, 0}), memFd());
      f.send(Message.SET_VRING_NUM, state(1, 256));
      f.send(Message.SET_VRING_ADDR, addr(1, UVA, UVA + 0x2000, UVA + 0x1000));
      f.send(Message.SET_VRING_BASE, state(1, 0));
      f.send(Message.SET_VRING_KICK, u64(1 | Message.VRING_NOFD));
      assertThat(f.closedByBackend()).as("connection closed on the ring error").isTrue();
    }
    awaitFree();
    assertThat(log.contains("broke a ring")).as(log.lines.toString()).isTrue();
    assertThat(mem.getShort(0x2000 + 2)).as("nothing was used").isZero();
    assertThat(dev.status() & VirtioStatus.DEVICE_NEEDS_RESET).isZero();
    assertNextFrontendServed();
  }
}
