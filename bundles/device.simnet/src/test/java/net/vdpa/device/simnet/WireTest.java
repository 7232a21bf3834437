package net.vdpa.device.simnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.testkit.NetTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cables between two devices, pcap capture files, link state; driven through the port board. */
class WireTest {
  private final Devices devices = new Devices();
  private final Map<String, SimNetDevice> byName = new java.util.HashMap<>();
  private final SimNetPortBoard board = new SimNetPortBoard(byName::get);

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    devices.close();
  }

  private SimNetDevice create(String name, int pairs) {
    SimNetDevice d = devices.create(name, 1500, pairs);
    byName.put(name, d);
    return d;
  }

  @Test
  void aCableCarriesFramesBothWays() {
    SimNetDevice a = create("ca", 1);
    SimNetDevice b = create("cb", 1);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    NetTestDriver db = new NetTestDriver(b, NetTestDriver.baseFeatures(), 128, 2048, 16).start(1);
    board.cable("ca", "cb");
    assertThat(board.wire("ca")).isEqualTo("cable cb");
    assertThat(board.wire("cb")).isEqualTo("cable ca");
    long macA = Devices.mac(a).value();
    long macB = Devices.mac(b).value();
    for (int i = 0; i < 100; i++) {
      byte[] ab = NetTestDriver.frame(macB, 60 + 13 * i, i);
      da.send(0, ab);
      assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ab);
      byte[] ba = NetTestDriver.frame(macA, 1514 - 13 * i, i);
      db.send(0, ba);
      assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(ba);
    }
    // nothing loops back on a cable
    assertThat(da.receive(0, 50)).isNull();
    assertThat(a.vendorVqStats(1)).containsEntry("tx_packets", 100L);
    assertThat(b.vendorVqStats(0)).containsEntry("rx_packets", 100L);

    board.loopback("ca");
    assertThat(board.wire("cb")).isEqualTo("loopback");
    byte[] self = NetTestDriver.frame(macB, 99, 1);
    db.send(0, self);
    assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(self);
  }

  @Test
  void aBurstOverTheCableArrivesInOrder() {
    SimNetDevice a = create("cc", 1);
    SimNetDevice b = create("cd", 1);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 256, 2048, 16).start(1);
    NetTestDriver db = new NetTestDriver(b, NetTestDriver.baseFeatures(), 256, 2048, 16).start(1);
    board.cable("cc", "cd");
    long macB = Devices.mac(b).value();
    for (int i = 0; i < 200; i++) {
      da.send(0, NetTestDriver.frame(macB, 200 + i, i));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(db.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(NetTestDriver.frame(macB, 200 + i, i));
    }
  }

  @Test
  void aCableToAStoppedDeviceDropsAndCounts() {
    SimNetDevice a = create("ce", 1);
    create("cf", 1);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    board.cable("ce", "cf");
    da.send(0, NetTestDriver.frame(0xffff_ffff_ffffL, 64, 1));
    da.awaitTxDone(0);
    assertThat(a.vendorVqStats(1)).containsEntry("tx_drops", 1L).containsEntry("tx_packets", 0L);
  }

  @Test
  void aCaptureFileHoldsEveryFrameByteForByte() throws IOException {
    SimNetDevice a = create("pc0", 1);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    Path file = dir.resolve("pc0.pcap");
    board.capture("pc0", file);
    assertThat(board.wire("pc0")).isEqualTo("capture " + file);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      byte[] f = NetTestDriver.frame(0x0200_0000_0001L + i, 60 + 145 * i, i);
      sent.add(f);
      da.send(0, f);
    }
    da.awaitTxDone(0);
    List<byte[]> got = readPcap(file);
    assertThat(got).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(got.get(i)).isEqualTo(sent.get(i));
    }
    board.loopback("pc0");
    assertThat(readPcap(file)).hasSize(10);
  }

  /** An independent pcap reader: checks the global header, returns the frames. */
  static List<byte[]> readPcap(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).isEqualTo(0xa1b2c3d4);
    assertThat(b.getShort(4)).isEqualTo((short) 2);
    assertThat(b.getShort(6)).isEqualTo((short) 4);
    assertThat(b.getInt(16)).isEqualTo(65535);
    assertThat(b.getInt(20)).isEqualTo(1);
    List<byte[]> frames = new ArrayList<>();
    long lastMicros = 0;
    int at = 24;
    while (at < b.limit()) {
      long micros = (b.getInt(at) & 0xffffffffL) * 1_000_000 + b.getInt(at + 4);
      assertThat(micros).isGreaterThanOrEqualTo(lastMicros);
      assertThat(b.getInt(at + 4)).isBetween(0, 999_999);
      lastMicros = micros;
      int incl = b.getInt(at + 8);
      assertThat(b.getInt(at + 12)).isEqualTo(incl);
      byte[] f = new byte[incl];
      b.get(at + 16, f);
      frames.add(f);
      at += 16 + incl;
    }
    assertThat(at).isEqualTo(b.limit());
    return frames;
  }

  @Test
  void linkDownBumpsTheGenerationCallsBackAndDropsTraffic() {
    SimNetDevice a = create("ln0", 1);
    NetTestDriver da = new NetTestDriver(a, NetTestDriver.baseFeatures(), 64, 2048, 8).start(1);
    int gen = a.generation();
    board.setLink("ln0", false);
    assertThat(a.generation()).isEqualTo(gen + 1);
    assertThat(da.configChanges.get()).isEqualTo(1);
    ByteBuffer s = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
    a.getConfig(VirtioNet.CFG_STATUS, s);
    assertThat(s.getShort(0)).isZero();
    board.setLink("ln0", false);
    assertThat(da.configChanges.get()).isEqualTo(1);
    da.send(0, NetTestDriver.frame(Devices.mac(a).value(), 64, 1));
    da.awaitTxDone(0);
    assertThat(a.vendorVqStats(1)).containsEntry("tx_drops", 1L);
    board.setLink("ln0", true);
    assertThat(da.configChanges.get()).isEqualTo(2);
    byte[] f = NetTestDriver.frame(Devices.mac(a).value(), 64, 2);
    da.send(0, f);
    assertThat(da.receive(0, NetTestDriver.TIMEOUT_MS)).isEqualTo(f);
  }

  @Test
  void unknownDevicesAndSelfCablesAreRefusedByName() {
    create("x0", 1);
    assertThatThrownBy(() -> board.loopback("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no simulated NIC named 'nope'");
    assertThatThrownBy(() -> board.cable("x0", "x0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x0' to itself");
    assertThatThrownBy(() -> board.capture("x0", dir.resolve("missing/dir/f.pcap")))
        .isInstanceOf(IOException.class);
    assertThat(board.wire("x0")).isEqualTo("loopback");
  }
}
