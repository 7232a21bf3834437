package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import net.vdpa.api.passthrough.Access;
import net.vdpa.api.passthrough.DmaMapping;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.HandleInfo;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.Viability;
import net.vdpa.api.pmd.PmdStats;
import org.junit.jupiter.api.Test;

class PtFormatTest {
  @Test
  void groupsSayWhichMemberBreaksViability() {
    assertThat(PtFormat.groups(List.of(
        new PtFormat.GroupLine(0, List.of("vdpa0"), new Viability.Viable(), "shell"),
        new PtFormat.GroupLine(5, List.of("a", "b"), new Viability.Broken("b", "virtio_net"), null))))
        .isEqualTo("""
            group 0: devices vdpa0 viable container shell
            group 5: devices a,b not viable (b bound to virtio_net) container none""");
    assertThat(PtFormat.groups(List.of())).isEqualTo("no device is bound to vfio_vdpa");
  }

  @Test
  void handlesShowOwnerAndCounters() {
    assertThat(PtFormat.handles(List.of(new HandleInfo("vdpa0", 0, null, 0, 0), new HandleInfo("vdpa1", 1, "shell", 3, 1))))
        .isEqualTo("""
            vdpa0: group 0 owner none bad_accesses 0 refused_writes 0
            vdpa1: group 1 owner shell bad_accesses 3 refused_writes 1""");
  }

  @Test
  void mappingsUnderTheirContainer() {
    assertThat(PtFormat.mappings(List.of(new PtFormat.ContainerLine("shell", List.of(0), 0x1000, 65535, 65534,
        List.of(new DmaMapping(0x1_0000_0000L, 1581056, DmaPerm.READ_WRITE))))))
        .isEqualTo("""
            container of shell: groups 0 page_sizes 0x1000 dma_entry_limit 65535 available 65534
              iova 0x100000000 size 1581056 read_write""");
    assertThat(PtFormat.mappings(List.of())).isEqualTo("no container is open");
  }

  @Test
  void faultsWithTimeDeviceAccessAndAddress() {
    assertThat(PtFormat.faults(List.of(new IommuFault(Instant.parse("2026-12-02T03:00:00Z"), "vdpa0", 0x8000_0000L,
        Access.READ, "address range not mapped"))))
        .isEqualTo("2026-12-02T03:00:00Z vdpa0 read iova 0x80000000: address range not mapped");
    assertThat(PtFormat.faults(List.of())).isEqualTo("no iommu faults");
  }

  @Test
  void portCounters() {
    assertThat(PtFormat.stats("vdpa0", new PmdStats(1, 64, 2, 128, 0, 0)))
        .isEqualTo("vdpa0: rx_packets 1 rx_bytes 64 tx_packets 2 tx_bytes 128 tx_full 0 rx_no_mbuf 0");
  }
}
