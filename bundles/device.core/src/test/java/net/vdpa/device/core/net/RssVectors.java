package net.vdpa.device.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Microsoft's "Verifying the RSS Hash Calculation" key and tables (IPv4 and IPv6, with and without ports). */
final class RssVectors {
  static final byte[] KEY = hex("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

  /** One row: destination and source with ports, the hash over the addresses, and over addresses and ports. */
  record Row(String dst, int dstPort, String src, int srcPort, int addresses, int withPorts) {
    byte[] srcBytes() {
      return address(src);
    }

    byte[] dstBytes() {
      return address(dst);
    }
  }

  static final List<Row> IPV4 = List.of(
      new Row("161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178),
      new Row("65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea),
      new Row("12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a),
      new Row("209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f),
      new Row("202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2));

  static final List<Row> IPV6 = List.of(
      new Row("3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x2cc18cd5, 0x40207d3d),
      new Row("ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0x0f0c461c, 0xdde51bbf),
      new Row("fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x4b61e985, 0x02d1feef));

  private RssVectors() {}

  static byte[] address(String literal) {
    try {
      return InetAddress.getByName(literal).getAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
