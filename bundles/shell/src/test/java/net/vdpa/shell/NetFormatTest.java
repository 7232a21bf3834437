package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.NetStats;
import org.junit.jupiter.api.Test;

class NetFormatTest {
  private static final NetStats TOTAL = new NetStats(10, 640, 0, 12, 768, 1, 0);
  private static final NetStats PAIR = new NetStats(10, 640, 0, 12, 768, 1, 0);

  @Test
  void statsInTextAndJson() {
    assertThat(NetFormat.stats("vnet0", TOTAL, List.of(PAIR), VdpaFormat.Style.TEXT)).isEqualTo(
        "vnet0: rx_packets 10 rx_bytes 640 rx_dropped 0 tx_packets 12 tx_bytes 768 tx_dropped 1 tx_errors 0\n"
            + "  queue_pair 0: rx_packets 10 rx_bytes 640 rx_dropped 0 tx_packets 12 tx_bytes 768 tx_dropped 1 tx_errors 0");
    assertThat(NetFormat.stats("vnet0", TOTAL, List.of(PAIR), new VdpaFormat.Style(true, false))).isEqualTo(
        "{\"stats\":{\"vnet0\":{\"rx_packets\":10,\"rx_bytes\":640,\"rx_dropped\":0,\"tx_packets\":12,\"tx_bytes\":768,"
            + "\"tx_dropped\":1,\"tx_errors\":0,\"queue_pairs\":[{\"queue_pair\":0,\"rx_packets\":10,\"rx_bytes\":640,"
            + "\"rx_dropped\":0,\"tx_packets\":12,\"tx_bytes\":768,\"tx_dropped\":1,\"tx_errors\":0}]}}}");
  }

  @Test
  void hashReportCountsFollowTheirPairWhereThereAreAny() {
    TreeMap<HashReport, Long> hashes = new TreeMap<>();
    hashes.put(HashReport.UDPV4, 7L);
    hashes.put(HashReport.NONE, 3L);
    assertThat(NetFormat.stats("vnet0", TOTAL, List.of(PAIR, PAIR), List.of(hashes, new TreeMap<>()),
        VdpaFormat.Style.TEXT)).isEqualTo(
        "vnet0: rx_packets 10 rx_bytes 640 rx_dropped 0 tx_packets 12 tx_bytes 768 tx_dropped 1 tx_errors 0\n"
            + "  queue_pair 0: rx_packets 10 rx_bytes 640 rx_dropped 0 tx_packets 12 tx_bytes 768 tx_dropped 1 tx_errors 0"
            + " rx_hash_none 3 rx_hash_udpv4 7\n"
            + "  queue_pair 1: rx_packets 10 rx_bytes 640 rx_dropped 0 tx_packets 12 tx_bytes 768 tx_dropped 1 tx_errors 0");
    assertThat(NetFormat.stats("vnet0", TOTAL, List.of(PAIR), List.of(hashes), new VdpaFormat.Style(true, false)))
        .endsWith("\"tx_errors\":0,\"rx_hash\":{\"NONE\":3,\"UDPV4\":7}}]}}}");
  }
}
