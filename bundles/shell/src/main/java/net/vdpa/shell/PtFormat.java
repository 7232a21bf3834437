package net.vdpa.shell;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import net.vdpa.api.passthrough.DmaMapping;
import net.vdpa.api.passthrough.HandleInfo;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Viability;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PmdStats;

/** Text of the {@code pt} commands: one line per object, stable, testable without a framework. */
final class PtFormat {
  private PtFormat() {}

  /** A group, its members, viability and container. */
  record GroupLine(int id, List<String> devices, Viability viability, String containerOwner) {}

  static String groups(List<GroupLine> groups) {
    if (groups.isEmpty()) {
      return "no device is bound to vfio_vdpa";
    }
    StringBuilder s = new StringBuilder();
    for (GroupLine g : groups) {
      if (s.length() > 0) {
        s.append('\n');
      }
      s.append("group ").append(g.id()).append(": devices ").append(String.join(",", g.devices()));
      if (g.viability() instanceof Viability.Broken b) {
        s.append(" not viable (").append(b.device()).append(" bound to ").append(b.driver()).append(')');
      } else {
        s.append(" viable");
      }
      s.append(" container ").append(g.containerOwner() == null ? "none" : g.containerOwner());
    }
    return s.toString();
  }

  static GroupLine line(IommuGroup g) {
    return new GroupLine(g.id(), g.devices(), g.viability(), g.container().map(IommuContainer::owner).orElse(null));
  }

  static String handles(List<HandleInfo> handles) {
    if (handles.isEmpty()) {
      return "no device is bound to vfio_vdpa";
    }
    StringBuilder s = new StringBuilder();
    for (HandleInfo h : handles) {
      if (s.length() > 0) {
        s.append('\n');
      }
      s.append(h.device()).append(": group ").append(h.group()).append(" owner ")
          .append(h.owner() == null ? "none" : h.owner()).append(" bad_accesses ").append(h.badAccesses())
          .append(" refused_writes ").append(h.refusedWrites());
    }
    return s.toString();
  }

  /** A container as listings show it. */
  record ContainerLine(String owner, List<Integer> groups, long pageSizes, int limit, int available,
      List<DmaMapping> mappings) {}

  static ContainerLine line(IommuContainer c) {
    return new ContainerLine(c.owner(), c.groups(), c.pageSizes(), c.dmaEntryLimit(), c.dmaAvailable(), c.mappings());
  }

  static String mappings(List<ContainerLine> containers) {
    if (containers.isEmpty()) {
      return "no container is open";
    }
    StringBuilder s = new StringBuilder();
    for (ContainerLine c : containers) {
      if (s.length() > 0) {
        s.append('\n');
      }
      s.append("container of ").append(c.owner()).append(": groups ")
          .append(c.groups().isEmpty() ? "none" : join(c.groups())).append(" page_sizes 0x")
          .append(Long.toHexString(c.pageSizes())).append(" dma_entry_limit ").append(c.limit())
          .append(" available ").append(c.available());
      for (DmaMapping m : c.mappings()) {
        s.append("\n  iova 0x").append(Long.toHexString(m.iova())).append(" size ").append(m.size())
            .append(' ').append(m.perm().name().toLowerCase(Locale.ROOT));
      }
    }
    return s.toString();
  }

  static String faults(List<IommuFault> faults) {
    if (faults.isEmpty()) {
      return "no iommu faults";
    }
    StringBuilder s = new StringBuilder();
    for (IommuFault f : faults) {
      if (s.length() > 0) {
        s.append('\n');
      }
      s.append(DateTimeFormatter.ISO_INSTANT.format(f.time())).append(' ').append(f.device()).append(' ')
          .append(f.access().name().toLowerCase(Locale.ROOT)).append(" iova 0x").append(Long.toHexString(f.iova()))
          .append(": ").append(f.reason());
    }
    return s.toString();
  }

  static String port(PmdPort p) {
    return p.device() + ": pmd port owner " + p.owner() + " state " + p.state().name().toLowerCase(Locale.ROOT);
  }

  static String stats(String device, PmdStats n) {
    return device + ": rx_packets " + n.rxPackets() + " rx_bytes " + n.rxBytes() + " tx_packets " + n.txPackets()
        + " tx_bytes " + n.txBytes() + " tx_full " + n.txFull() + " rx_no_mbuf " + n.rxNoMbuf();
  }

  private static String join(List<Integer> ids) {
    StringBuilder s = new StringBuilder();
    for (Integer i : ids) {
      s.append(s.length() == 0 ? "" : ",").append(i);
    }
    return s.toString();
  }
}
