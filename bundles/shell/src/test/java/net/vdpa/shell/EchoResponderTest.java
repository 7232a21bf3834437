package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.MacAddress;
import net.vdpa.api.net.FrameReceiver;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
import org.junit.jupiter.api.Test;

class EchoResponderTest {
  private static final MacAddress OURS = MacAddress.parse("02:00:00:00:00:01");
  private static final byte[] PEER = MacAddress.parse("02:00:00:00:00:02").toBytes();
  private static final int US = EchoCommands.ipv4("10.0.0.1");
  private static final int THEM = EchoCommands.ipv4("10.0.0.2");

  /** Keeps what the responder sends; everything else is not used by it. */
  private static final class Sent implements NetInterface {
    final List<ByteBuffer> frames = new ArrayList<>();

    @Override public String name() { return "vnet9"; }
    @Override public String device() { return "d9"; }
    @Override public MacAddress mac() { return OURS; }
    @Override public int mtu() { return 1500; }
    @Override public boolean linkUp() { return true; }
    @Override public int queuePairs() { return 1; }
    @Override public SendResult send(ByteBuffer frame) { return send(0, frame); }

    @Override
    public SendResult send(int queuePair, ByteBuffer frame) {
      ByteBuffer copy = ByteBuffer.allocate(frame.remaining());
      copy.put(frame.duplicate()).flip();
      frames.add(copy);
      return SendResult.SENT;
    }

    @Override public int send(int queuePair, ByteBuffer[] frames, int offset, int count) { throw new UnsupportedOperationException(); }
    @Override public int receive(int queuePair, ByteBuffer dst) { throw new UnsupportedOperationException(); }
    @Override public int poll(int queuePair, FrameReceiver receiver, int budget) { throw new UnsupportedOperationException(); }
    @Override public void setReceiver(FrameReceiver receiver) {}
    @Override public NetStats stats() { throw new UnsupportedOperationException(); }
    @Override public NetStats stats(int queuePair) { throw new UnsupportedOperationException(); }
  }

  private final Sent iface = new Sent();
  private final EchoResponder responder = new EchoResponder(iface, US);

  @Test
  void anArpRequestForOurAddressGetsOurMac() {
    responder.receive(0, arpRequest(US));
    assertThat(iface.frames).hasSize(1);
    ByteBuffer r = iface.frames.get(0);
    assertThat(bytes(r, 0, 6)).isEqualTo(PEER);
    assertThat(bytes(r, 6, 6)).isEqualTo(OURS.toBytes());
    assertThat(r.getShort(12)).isEqualTo((short) 0x0806);
    assertThat(r.getShort(14 + 6)).isEqualTo((short) 2); // reply
    assertThat(bytes(r, 14 + 8, 6)).isEqualTo(OURS.toBytes());
    assertThat(r.getInt(14 + 14)).isEqualTo(US);
    assertThat(bytes(r, 14 + 18, 6)).isEqualTo(PEER);
    assertThat(r.getInt(14 + 24)).isEqualTo(THEM);
    assertThat(responder.arpReplies.get()).isEqualTo(1);
  }

  @Test
  void aPingToOurAddressIsAnsweredWithValidChecksumsAndTheSameData() {
    ByteBuffer request = echoRequest(US, 0, 56);
    responder.receive(0, request);
    assertThat(iface.frames).hasSize(1);
    ByteBuffer r = iface.frames.get(0);
    assertThat(r.remaining()).isEqualTo(request.remaining());
    assertThat(bytes(r, 0, 6)).isEqualTo(PEER);
    assertThat(r.getInt(14 + 12)).isEqualTo(US);
    assertThat(r.getInt(14 + 16)).isEqualTo(THEM);
    assertThat(EchoResponder.checksum(r, 14, 20)).isZero(); // the IP header sums to all ones
    assertThat(r.get(14 + 20)).isZero(); // echo reply
    assertThat(EchoResponder.checksum(r, 14 + 20, r.remaining() - 14 - 20)).isZero();
    assertThat(PingFrames.be32(r, 14 + 24)).isEqualTo(PingFrames.be32(request, 14 + 24)); // id and sequence
    assertThat(bytes(r, 14 + 28, 56)).isEqualTo(bytes(request, 14 + 28, 56));
    assertThat(responder.echoReplies.get()).isEqualTo(1);
  }

  @Test
  void otherAddressesFragmentsAndRuntsAreIgnoredAndCounted() {
    responder.receive(0, arpRequest(EchoCommands.ipv4("10.0.0.7")));
    responder.receive(0, echoRequest(EchoCommands.ipv4("10.0.0.7"), 0, 8));
    responder.receive(0, echoRequest(US, 0x2000, 8)); // more fragments
    responder.receive(0, ByteBuffer.allocate(10));
    assertThat(iface.frames).isEmpty();
    assertThat(responder.ignored.get()).isEqualTo(4);
  }

  @Test
  void addressesAreDottedQuadsOnly() {
    assertThat(EchoCommands.ipv4("255.255.255.255")).isEqualTo(-1);
    assertThat(EchoCommands.ipv4("0.0.0.0")).isZero();
    for (String bad : new String[] {"10.0.0", "10.0.0.256", "10.0.0.1.2", "a.b.c.d", "10..0.1", "-1.0.0.0", "localhost"}) {
      assertThatThrownBy(() -> EchoCommands.ipv4(bad)).hasMessage(
          "address '" + bad + "' is not an IPv4 address (a.b.c.d, each 0 to 255)");
    }
  }

  private static ByteBuffer arpRequest(int target) {
    ByteBuffer f = ByteBuffer.allocate(42);
    PingFrames.arpRequest(f, PEER, THEM, target);
    return f.order(ByteOrder.LITTLE_ENDIAN); // as a ring's buffer is: fields must be read in network order anyway
  }

  private static ByteBuffer echoRequest(int to, int fragment, int data) {
    ByteBuffer f = ByteBuffer.allocate(14 + 28 + data);
    PingFrames.echoRequest(f, OURS.toBytes(), PEER, THEM, to, 0x1234, 1, data, fragment);
    return f.order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] bytes(ByteBuffer b, int at, int len) {
    byte[] out = new byte[len];
    for (int i = 0; i < len; i++) {
      out[i] = b.get(at + i);
    }
    return out;
  }
}
