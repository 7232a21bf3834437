package net.vdpa.webconsole;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockStats;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;

/**
 * What a driver published for a device it holds: a network interface, a vhost-user socket, a
 * block device or a passthrough handle. The page shows it beside the device, and the rate plots read
 * the counters of the ones that have them.
 */
sealed interface ClassService {
  /** Traffic counters at one moment: packets (or requests) and bytes, both directions together. */
  record Counters(long packets, long bytes) {}

  /** The device the service sits on. */
  String device();

  /** How the page names it: its kind and its name or socket. */
  Map<String, Object> describe();

  /** Its counters now, if it keeps any. */
  Optional<Counters> counters();

  /** A network interface ({@code vnet0}); counters are its frames and bytes, received and sent. */
  record Net(String device, NetInterface nif) implements ClassService {
    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "net");
      m.put("name", nif.name());
      return m;
    }

    @Override
    public Optional<Counters> counters() {
      NetStats s = nif.stats();
      return Optional.of(new Counters(s.rxPackets() + s.txPackets(), s.rxBytes() + s.txBytes()));
    }
  }

  /** A vhost-user socket; it keeps no counters of its own through the API. */
  record Vhost(String device, String socket) implements ClassService {
    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "vhost");
      m.put("socket", socket);
      return m;
    }

    @Override
    public Optional<Counters> counters() {
      return Optional.empty();
    }
  }

  /** A block device ({@code vda}); counters are its read and write requests and bytes. */
  record Block(String device, BlockDevice blk) implements ClassService {
    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "block");
      m.put("name", blk.name());
      return m;
    }

    @Override
    public Optional<Counters> counters() {
      BlockStats s = blk.stats();
      return Optional.of(new Counters(s.reads() + s.writes(), s.readBytes() + s.writeBytes()));
    }
  }

  /**
   * A passthrough handle: the device bound to {@code vfio_vdpa}, published as a {@code
   * PassthroughDevice} service, opened by a user through its IOMMU group ({@code /dev/vfio/N} in
   * Linux); its traffic is the user's own, so it keeps no counters here.
   */
  record Passthrough(String device, int group) implements ClassService {
    @Override
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", "passthrough");
      m.put("group", group);
      m.put("path", "/dev/vfio/" + group);
      return m;
    }

    @Override
    public Optional<Counters> counters() {
      return Optional.empty();
    }
  }
}
