package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionCountersTest {
  @Test
  void runsAddUpPerVringAndZerosAreLeftOut() {
    ConnectionCounters c = new ConnectionCounters();
    assertThat(c.describe()).isEqualTo("nothing moved");
    c.add(1, Map.of("tx_packets", 202L, "tx_errors", 0L));
    c.add(0, Map.of("rx_packets", 202L));
    c.add(1, Map.of("tx_packets", 202L));
    assertThat(c.describe()).isEqualTo("vring 0 rx_packets 202; vring 1 tx_packets 404");
  }
}
