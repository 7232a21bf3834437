package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Runtimes in separate JVMs joined by UDP and TCP stream wires, as on two hosts: one runs an echo
 * responder, the other pings it across; and a plain Java host at the other end of the wire sends
 * ARP and echo requests it built itself and checks every answer byte for byte.
 */
public class SocketWireIT {
  private static final InetAddress LO = InetAddress.getLoopbackAddress();
  private static final int RESPONDER = 0x0a000001; // 10.0.0.1

  @Rule
  public TemporaryFolder dir = new TemporaryFolder();

  private final List<Process> started = new ArrayList<>();

  @After
  public void stopRuntimes() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LO)) {
      return s.getLocalPort();
    }
  }

  /** Starts a runtime that plugs vdpa0 with {@code wire} and answers 10.0.0.1 on vnet0 until stopped. */
  private void responder(String wire) throws Exception {
    RuntimeProcess rt = new RuntimeProcess(dir.newFolder().toPath());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    started.add(rt.start(List.of(wire, "net:echo start vnet0 10.0.0.1", "vdpa:monitor"), lines));
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String l;
    do {
      l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertNotEquals("the responder did not start within 90 s: " + seen + "\n" + err(rt), null, l);
      assertNotEquals("the responder ended: " + seen + "\n" + err(rt), RuntimeProcess.EOF, l);
      seen.add(l);
    } while (!l.startsWith("vnet0: answering 10.0.0.1"));
  }

  private static String err(RuntimeProcess rt) throws IOException {
    Path e = rt.dir().resolve("err.txt");
    return Files.exists(e) ? Files.readString(e) : "";
  }

  @Test
  public void twoRuntimesJoinedByUdpPingAcrossAndKeepTheWireAfterARestart() throws Exception {
    int a = freePort();
    int b = freePort();
    responder("vdpa:port udp vdpa0 local 127.0.0.1:" + a + " remote 127.0.0.1:" + b);
    RuntimeProcess rt = new RuntimeProcess(dir.newFolder().toPath());
    RuntimeProcess.Run r = rt.run("vdpa:port udp vdpa0 local " + b + " remote 127.0.0.1:" + a,
        "net:ping count 3 vnet0 10.0.0.1", "vdpa:port show vdpa0");
    assertEquals(r.all(), 0, r.status());
    List<String> o = r.out();
    assertTrue(r.all(), o.contains("vdpa0: wire udp local 127.0.0.1:" + b + " remote 127.0.0.1:" + a + " link up"));
    assertTrue(r.all(), o.contains("3 packets transmitted, 3 received, 0% packet loss"));
    // one ARP request and three echo requests out, their four answers in, nothing dropped
    assertTrue(r.all(), o.stream().anyMatch(l -> l.startsWith("  socket peer 127.0.0.1:" + a + " tx_frames 4 tx_bytes ")
        && l.contains(" rx_frames 4 ") && l.endsWith(" drops runt 0 oversize 0 truncated 0 bad_length 0 not_receiving 0"
        + " no_peer 0 send_failed 0")));

    RuntimeProcess.Run again = rt.run("vdpa:port show vdpa0", "net:ping count 2 vnet0 10.0.0.1");
    assertEquals(again.all(), 0, again.status());
    assertTrue(again.all(), again.out().get(0).equals("vdpa0: wire udp local 127.0.0.1:" + b + " remote 127.0.0.1:" + a + " link up"));
    assertTrue(again.all(), again.out().contains("2 packets transmitted, 2 received, 0% packet loss"));
  }

  @Test
  public void twoRuntimesJoinedByAStreamPingAcross() throws Exception {
    int listen = freePort();
    responder("vdpa:port stream vdpa0 listen " + listen);
    RuntimeProcess rt = new RuntimeProcess(dir.newFolder().toPath());
    RuntimeProcess.Run r = rt.run("vdpa:port stream vdpa0 connect 127.0.0.1:" + listen,
        "net:ping count 3 vnet0 10.0.0.1", "vdpa:port -j show vdpa0");
    assertEquals(r.all(), 0, r.status());
    assertTrue(r.all(), r.out().contains("3 packets transmitted, 3 received, 0% packet loss"));
    String json = r.out().get(r.out().size() - 1);
    assertTrue(json, json.startsWith("{\"port\":{\"vdpa0\":{\"wire\":\"stream\",\"remote\":\"127.0.0.1:" + listen
        + "\",\"link\":\"up\",\"present\":true,\"connected\":true,\"socket\":{\"peer\":\"127.0.0.1:" + listen + "\""));
    assertTrue(json, json.contains("\"connects\":1,\"disconnects\":0"));
  }

  @Test
  public void aPlainUdpHostGetsAnswersWithItsDataBack() throws Exception {
    try (DatagramSocket host = new DatagramSocket(new InetSocketAddress(LO, freePort()))) {
      host.setSoTimeout(10_000);
      int port = freePort();
      responder("vdpa:port udp vdpa0 local " + port + " remote " + host.getLocalPort());
      InetSocketAddress to = new InetSocketAddress(LO, port);
      host.send(new DatagramPacket(EthernetPeer.arpRequest(RESPONDER), 42, to));
      byte[] mac = EthernetPeer.arpReplyMac(receive(host), RESPONDER);
      for (int seq = 1; seq <= 20; seq++) {
        byte[] data = data(seq * 70);
        byte[] req = EthernetPeer.echoRequest(mac, RESPONDER, 0x4242, seq, data);
        host.send(new DatagramPacket(req, req.length, to));
        EthernetPeer.checkEchoReply(receive(host), mac, RESPONDER, 0x4242, seq, data);
      }
    }
  }

  @Test
  public void aPlainStreamHostGetsAnswersWithItsDataBack() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, LO)) {
      server.setSoTimeout(90_000);
      responder("vdpa:port stream vdpa0 connect " + server.getLocalPort());
      try (Socket host = server.accept()) {
        host.setSoTimeout(10_000);
        DataOutputStream out = new DataOutputStream(host.getOutputStream());
        DataInputStream in = new DataInputStream(host.getInputStream());
        write(out, EthernetPeer.arpRequest(RESPONDER));
        byte[] mac = EthernetPeer.arpReplyMac(read(in), RESPONDER);
        for (int seq = 1; seq <= 20; seq++) {
          byte[] data = data(seq * 70);
          write(out, EthernetPeer.echoRequest(mac, RESPONDER, 0x4343, seq, data));
          EthernetPeer.checkEchoReply(read(in), mac, RESPONDER, 0x4343, seq, data);
        }
      }
    }
  }

  private static byte[] data(int len) {
    byte[] d = new byte[len];
    for (int i = 0; i < len; i++) {
      d[i] = (byte) (i * 7 + len);
    }
    return d;
  }

  private static byte[] receive(DatagramSocket s) throws IOException {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    s.receive(p);
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  private static void write(DataOutputStream out, byte[] frame) throws IOException {
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
  }

  private static byte[] read(DataInputStream in) throws IOException {
    byte[] f = new byte[in.readInt()];
    in.readFully(f);
    return f;
  }
}
