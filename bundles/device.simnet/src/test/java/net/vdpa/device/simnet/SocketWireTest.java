package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.SocketAddresses;
import net.vdpa.api.port.SocketDrop;
import net.vdpa.api.port.SocketStats;
import net.vdpa.api.port.WireKind;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * UDP and TCP stream wires against plain Java peers speaking QEMU's framing: frames both ways
 * byte for byte, every bad input counted by reason while the wire goes on, reconnection.
 */
class SocketWireTest {
  private static final InetAddress LO = InetAddress.getLoopbackAddress();
  private final Devices devices = new Devices();
  private final Map<String, SimNetDevice> byName = new HashMap<>();
  private final SimNetPortBoard board = new SimNetPortBoard(byName::get);

  @AfterEach
  void tearDown() {
    for (SimNetDevice d : byName.values()) {
      d.port().plug(new Loopback()).close();
    }
    devices.close();
  }

  private NetTestDriver device(String name) {
    SimNetDevice d = devices.create(name, 1500, 1);
    byName.put(name, d);
    return new NetTestDriver(d, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
  }

  private long mac(String name) {
    return Devices.mac(byName.get(name)).value();
  }

  private SocketStats stats(String name) {
    return board.socketStats(name).orElseThrow();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LO)) {
      return s.getLocalPort();
    }
  }

  static InetSocketAddress at(int port) {
    return new InetSocketAddress(LO, port);
  }

  @Test
  void udpCarriesOneFramePerDatagramBothWays() throws IOException {
    NetTestDriver d = device("u0");
    try (DatagramSocket peer = new DatagramSocket(at(freePort()))) {
      peer.setSoTimeout(5000);
      int local = freePort();
      board.socket("u0", WireKind.UDP, SocketAddresses.udp(at(local), (InetSocketAddress) peer.getLocalSocketAddress()));
      assertThat(board.wire("u0")).isEqualTo("udp local 127.0.0.1:" + local + " remote 127.0.0.1:" + peer.getLocalPort());
      assertThat(board.port("u0")).isEqualTo(new PortState("u0", WireKind.UDP, null, null, true, true, true,
          SocketAddresses.udp(at(local), at(peer.getLocalPort()))));
      for (int i = 0; i < 20; i++) {
        byte[] out = NetTestDriver.frame(0x02_0000_0000_09L, 60 + 72 * i, i);
        d.send(0, out);
        DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
        peer.receive(p);
        assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(out);
        byte[] in = NetTestDriver.frame(mac("u0"), 1514 - 70 * i, i);
        peer.send(new DatagramPacket(in, in.length, at(local)));
        assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(in);
      }
      SocketStats s = stats("u0");
      assertThat(s.peer()).isEqualTo("127.0.0.1:" + peer.getLocalPort());
      assertThat(s.txFrames()).isEqualTo(20);
      assertThat(s.rxFrames()).isEqualTo(20);
      assertThat(s.rxBytes()).isEqualTo(20 * 1514 - 70 * 190);
      assertThat(s.drops().values()).containsOnly(0L);
    }
  }

  @Test
  void udpCountsRuntsAndOversizeDatagramsAndGoesOn() throws IOException {
    NetTestDriver d = device("u1");
    try (DatagramSocket peer = new DatagramSocket(at(freePort()))) {
      int local = freePort();
      board.socket("u1", WireKind.UDP, SocketAddresses.udp(at(local), (InetSocketAddress) peer.getLocalSocketAddress()));
      int maxFrame = byName.get("u1").port().maxFrame();
      peer.send(new DatagramPacket(new byte[13], 13, at(local)));
      peer.send(new DatagramPacket(new byte[0], 0, at(local)));
      peer.send(new DatagramPacket(new byte[maxFrame + 1], maxFrame + 1, at(local)));
      peer.send(new DatagramPacket(new byte[9000], 9000, at(local)));
      byte[] ok = NetTestDriver.frame(mac("u1"), maxFrame, 7);
      peer.send(new DatagramPacket(ok, ok.length, at(local)));
      // datagrams on loopback arrive in order: the good one comes after every bad one was counted
      assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ok);
      SocketStats s = stats("u1");
      assertThat(s.drops(SocketDrop.RUNT)).isEqualTo(2);
      assertThat(s.drops(SocketDrop.OVERSIZE)).isEqualTo(2);
      assertThat(s.rxFrames()).isEqualTo(1);
    }
  }

  @Test
  void udpDatagramsForADeviceThatIsNotRunningAreReadAndCountedNotReceiving() throws Exception {
    SimNetDevice idle = devices.create("u9", 1500, 1);
    byName.put("u9", idle);
    try (DatagramSocket peer = new DatagramSocket(at(freePort()))) {
      int local = freePort();
      board.socket("u9", WireKind.UDP, SocketAddresses.udp(at(local), (InetSocketAddress) peer.getLocalSocketAddress()));
      byte[] f = NetTestDriver.frame(Devices.mac(idle).value(), 100, 1);
      for (int i = 0; i < 3; i++) {
        peer.send(new DatagramPacket(f, f.length, at(local)));
      }
      peer.send(new DatagramPacket(new byte[5], 5, at(local)));
      // no worker polls the socket: the wire's thread reads and drops what comes
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while ((stats("u9").drops(SocketDrop.NOT_RECEIVING) < 3 || stats("u9").drops(SocketDrop.RUNT) < 1)
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      SocketStats s = stats("u9");
      assertThat(s.drops(SocketDrop.NOT_RECEIVING)).isEqualTo(3);
      assertThat(s.rxFrames()).isEqualTo(3);
      assertThat(s.drops(SocketDrop.RUNT)).isEqualTo(1);
    }
  }

  @Test
  void twoPortsJoinedByUdpWiresExchangeFrames() throws IOException {
    NetTestDriver a = device("ua");
    NetTestDriver b = device("ub");
    int pa = freePort();
    int pb = freePort();
    board.socket("ua", WireKind.UDP, SocketAddresses.udp(at(pa), at(pb)));
    board.socket("ub", WireKind.UDP, SocketAddresses.udp(at(pb), at(pa)));
    for (int i = 0; i < 50; i++) {
      byte[] ab = NetTestDriver.frame(mac("ub"), 64 + i, i);
      a.send(0, ab);
      assertThat(b.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ab);
      byte[] ba = NetTestDriver.frame(mac("ua"), 1514 - i, i);
      b.send(0, ba);
      assertThat(a.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ba);
    }
    assertThat(stats("ua").txFrames()).isEqualTo(50);
    assertThat(stats("ub").rxFrames()).isEqualTo(50);
  }

  @Test
  void aLocalAddressInUseIsRefusedAndThePortStaysAsItWas() throws IOException {
    device("u2");
    try (DatagramSocket taken = new DatagramSocket(at(freePort()))) {
      assertThatThrownBy(() -> board.socket("u2", WireKind.UDP,
          SocketAddresses.udp((InetSocketAddress) taken.getLocalSocketAddress(), at(freePort()))))
          .isInstanceOf(java.net.BindException.class)
          .hasMessageStartingWith("local address 127.0.0.1:" + taken.getLocalPort() + " is in use");
      assertThat(board.wire("u2")).isEqualTo("loopback");
      assertThat(board.port("u2").wire()).isEqualTo(WireKind.LOOPBACK);
    }
    try (ServerSocket taken = new ServerSocket(0, 1, LO)) {
      assertThatThrownBy(() -> board.socket("u2", WireKind.STREAM,
          SocketAddresses.listen((InetSocketAddress) taken.getLocalSocketAddress())))
          .hasMessageStartingWith("local address 127.0.0.1:" + taken.getLocalPort() + " is in use");
      assertThat(board.wire("u2")).isEqualTo("loopback");
    }
  }

  @Test
  void aStreamListenerCarriesLengthPrefixedFramesAndCountsBadOnes() throws IOException {
    NetTestDriver d = device("s0");
    int listen = freePort();
    board.socket("s0", WireKind.STREAM, SocketAddresses.listen(at(listen)));
    assertThat(board.wire("s0")).isEqualTo("stream listen 127.0.0.1:" + listen);
    int maxFrame = byName.get("s0").port().maxFrame();
    try (Socket peer = new Socket(LO, listen)) {
      peer.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(peer.getOutputStream());
      DataInputStream in = new DataInputStream(peer.getInputStream());
      byte[] first = NetTestDriver.frame(mac("s0"), 60, 1);
      write(out, first);
      assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(first);
      assertThat(board.port("s0").connected()).isTrue();
      assertThat(stats("s0").peer()).isEqualTo("127.0.0.1:" + peer.getLocalPort());

      byte[] sent = NetTestDriver.frame(0x02_0000_0000_09L, 1000, 2);
      d.send(0, sent);
      assertThat(in.readInt()).isEqualTo(1000);
      byte[] got = new byte[1000];
      in.readFully(got);
      assertThat(got).isEqualTo(sent);

      // a runt and an oversize frame are skipped whole; the stream stays in step
      write(out, new byte[10]);
      write(out, new byte[maxFrame + 1]);
      byte[] after = NetTestDriver.frame(mac("s0"), maxFrame, 3);
      write(out, after);
      assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(after);
      assertThat(stats("s0").drops(SocketDrop.RUNT)).isEqualTo(1);
      assertThat(stats("s0").drops(SocketDrop.OVERSIZE)).isEqualTo(1);

      // a length of 0 cannot be QEMU's: the wire lets go of the peer
      out.writeInt(0);
      out.flush();
      assertThat(in.read()).isEqualTo(-1);
    }
    // and listens again: a peer that goes away mid-frame is counted as truncated
    try (Socket peer = new Socket(LO, listen)) {
      DataOutputStream out = new DataOutputStream(peer.getOutputStream());
      out.writeInt(100);
      out.write(new byte[50]);
      out.flush();
    }
    try (Socket peer = new Socket(LO, listen)) {
      DataOutputStream out = new DataOutputStream(peer.getOutputStream());
      out.writeInt(70_000);
      out.flush();
      peer.setSoTimeout(5000);
      assertThat(peer.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket peer = new Socket(LO, listen)) {
      byte[] last = NetTestDriver.frame(mac("s0"), 64, 4);
      write(new DataOutputStream(peer.getOutputStream()), last);
      assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(last);
      SocketStats s = stats("s0");
      assertThat(s.drops(SocketDrop.BAD_LENGTH)).isEqualTo(2);
      assertThat(s.drops(SocketDrop.TRUNCATED)).isEqualTo(1);
      assertThat(s.connects()).isEqualTo(4);
      assertThat(s.disconnects()).isEqualTo(3);
      assertThat(s.rxFrames()).isEqualTo(3);
    }
  }

  @Test
  void aStreamConnectorConnectsAgainWhenThePeerGoesAway() throws IOException {
    NetTestDriver d = device("s1");
    try (ServerSocket server = new ServerSocket(0, 1, LO)) {
      server.setSoTimeout(10_000);
      // frames sent before any peer is there are dropped and counted
      board.socket("s1", WireKind.STREAM, SocketAddresses.connect((InetSocketAddress) server.getLocalSocketAddress()));
      for (int round = 0; round < 3; round++) {
        try (Socket peer = server.accept()) {
          peer.setSoTimeout(5000);
          DataOutputStream out = new DataOutputStream(peer.getOutputStream());
          DataInputStream in = new DataInputStream(peer.getInputStream());
          byte[] hello = NetTestDriver.frame(mac("s1"), 100 + round, round);
          write(out, hello);
          assertThat(d.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(hello);
          byte[] back = NetTestDriver.frame(0x02_0000_0000_09L, 200 + round, round);
          d.send(0, back);
          assertThat(in.readInt()).isEqualTo(back.length);
          byte[] got = new byte[back.length];
          in.readFully(got);
          assertThat(got).isEqualTo(back);
          // the worker counts a batch once written, before it gives the chain back
          d.awaitTxDone(0);
          // read while this peer is connected: once it closes, the wire connects again at once
          SocketStats s = stats("s1");
          assertThat(s.connects()).isEqualTo(round + 1);
          assertThat(s.disconnects()).isEqualTo(round);
          assertThat(s.txFrames()).isEqualTo(round + 1);
          assertThat(s.rxFrames()).isEqualTo(round + 1);
        }
      }
    }
  }

  @Test
  void twoPortsJoinedByAStreamExchangeFramesBothWays() throws IOException {
    NetTestDriver a = device("sa");
    NetTestDriver b = device("sb");
    int listen = freePort();
    board.socket("sa", WireKind.STREAM, SocketAddresses.listen(at(listen)));
    board.socket("sb", WireKind.STREAM, SocketAddresses.connect(at(listen)));
    // the connector's first frame may find no peer yet: it sends until one arrives
    byte[] first = NetTestDriver.frame(mac("sa"), 64, 0);
    byte[] got = null;
    for (int i = 0; i < 100 && got == null; i++) {
      b.send(0, first);
      got = a.receive(0, 100);
    }
    assertThat(got).isEqualTo(first);
    for (int i = 0; i < 50; i++) {
      byte[] ab = NetTestDriver.frame(mac("sb"), 64 + i * 29, i);
      a.send(0, ab);
      assertThat(b.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ab);
      byte[] ba = NetTestDriver.frame(mac("sa"), 1514 - i * 29, i);
      b.send(0, ba);
      assertThat(a.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ba);
    }
  }

  private static void write(DataOutputStream out, byte[] frame) throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
  }
}
