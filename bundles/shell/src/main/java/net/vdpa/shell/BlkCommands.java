package net.vdpa.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.blk.BlockStats;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code blk} command scope: the block devices drivers publish ({@code show}) and an fio-like
 * load ({@code io}) with progress while it runs and IOPS, MiB/s and latency percentiles at the end;
 * {@code flush} makes every completed write durable, as {@code sync} does for a disk.
 */
@Component(service = BlkCommands.class, property = {"osgi.command.scope=blk", "osgi.command.function=show",
    "osgi.command.function=io", "osgi.command.function=flush"})
public final class BlkCommands {
  private final BundleContext context;

  /**
   * The commands.
   *
   * @param context where block devices are looked up
   */
  @Activate
  public BlkCommands(BundleContext context) {
    this.context = context;
  }

  /** {@code blk:show}. */
  @Descriptor("list block devices: size, block size, queues, counters")
  public String show() {
    return ShellError.guard(() -> {
      List<String> out = new ArrayList<>();
      List<ServiceReference<BlockDevice>> refs = new ArrayList<>(refs(null));
      refs.sort(Comparator.comparing(r -> String.valueOf(r.getProperty(BlockDevice.PROP_NAME))));
      for (ServiceReference<BlockDevice> r : refs) {
        BlockDevice d = context.getService(r);
        if (d == null) {
          continue;
        }
        try {
          StringBuilder b = new StringBuilder(d.name() + ": device " + d.device() + " size " + d.capacity()
              + " block_size " + d.blockSize() + " queues " + d.queues() + (d.readOnly() ? " read-only" : "")
              + "\n  " + counters(d.stats()));
          if (d.queues() > 1) {
            for (int q = 0; q < d.queues(); q++) {
              b.append("\n  queue ").append(q).append(": ").append(counters(d.stats(q)));
            }
          }
          out.add(b.toString());
        } finally {
          context.ungetService(r);
        }
      }
      return out.isEmpty() ? "no block device (bind a block device to virtio_blk: vdpa:dev add name blk0 mgmtdev"
          + " vdpasim_blk)" : String.join("\n", out);
    });
  }

  private static String counters(BlockStats s) {
    return "reads " + s.reads() + " read_bytes " + s.readBytes() + " writes " + s.writes() + " write_bytes "
        + s.writeBytes() + " flushes " + s.flushes() + " errors " + s.errors();
  }

  private static final String IO_USAGE = "usage: blk:io [rw MODE] [bs BYTES] [qd N] [queues N] [runtime SECONDS] NAME";
  private static final List<String> IO_KEYS = List.of("rw", "bs", "qd", "queues", "runtime");

  /** {@code blk:io [rw MODE] [bs N] [qd N] [queues N] [runtime S] NAME}. */
  @Descriptor("an fio-like load: blk:io [rw read|write|randread|randwrite|randrw] [bs BYTES] [qd N] [queues N]"
      + " [runtime SECONDS] NAME (qd requests in flight, spread over the first N request queues)")
  public String io(@Descriptor("[rw MODE] [bs N] [qd N] [queues N] [runtime S] NAME") String... argv) {
    return ShellError.guard(() -> {
      BlkLoad.Mode mode = BlkLoad.Mode.RANDREAD;
      int bs = 4096;
      int qd = 32;
      int queues = 1;
      int seconds = 5;
      String name = null;
      for (int i = 0; i < argv.length; i++) {
        String a = argv[i];
        if (i + 1 < argv.length && IO_KEYS.contains(a)) {
          String v = argv[++i];
          switch (a) {
            case "rw" -> mode = mode(v);
            case "bs" -> bs = DevAddArgs.number("bs", v);
            case "qd" -> qd = DevAddArgs.number("qd", v);
            case "queues" -> queues = DevAddArgs.number("queues", v);
            default -> seconds = DevAddArgs.number("runtime", v);
          }
        } else if (name == null && !IO_KEYS.contains(a)) {
          name = a;
        } else {
          throw new IllegalArgumentException(IO_USAGE);
        }
      }
      if (name == null) {
        throw new IllegalArgumentException(IO_USAGE);
      }
      if (seconds < 1 || seconds > 3600) {
        throw new IllegalArgumentException("runtime " + seconds + " is outside 1..3600 seconds");
      }
      List<ServiceReference<BlockDevice>> refs = named(name);
      BlockDevice d = context.getService(refs.get(0));
      if (d == null) {
        throw new IllegalArgumentException("block device " + name + " went away");
      }
      try {
        BlkLoad.Result r = new BlkLoad(d, mode, bs, qd, queues).run(seconds, System.out::println);
        double s = r.nanos() / 1e9;
        return String.format(Locale.ROOT, "%s: %s bs %d qd %d%s in %.2f s: %d IOPS %.1f MiB/s lat p50 %d us p99 %d us"
            + " max %d us errors %d%s", name, mode.name().toLowerCase(Locale.ROOT), bs, qd,
            queues > 1 ? " queues " + queues : "", s, (long) (r.ops() / s),
            r.bytes() / s / (1 << 20), r.p50Micros(), r.p99Micros(), r.maxMicros(), r.errors(),
            r.stoppedBy() == null ? "" : " (stopped: " + r.stoppedBy() + ")");
      } finally {
        context.ungetService(refs.get(0));
      }
    });
  }

  /** {@code blk:flush NAME}. */
  @Descriptor("make every completed write of a block device durable (a FLUSH on each of its queues)")
  public String flush(@Descriptor("NAME") String name) {
    return ShellError.guard(() -> {
      List<ServiceReference<BlockDevice>> refs = named(name);
      BlockDevice d = context.getService(refs.get(0));
      if (d == null) {
        throw new IllegalArgumentException("block device " + name + " went away");
      }
      try {
        return name + ": " + BlkFlush.all(d, 10);
      } finally {
        context.ungetService(refs.get(0));
      }
    });
  }

  private static BlkLoad.Mode mode(String v) {
    try {
      return BlkLoad.Mode.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rw '" + v + "' is not read, write, randread, randwrite or randrw");
    }
  }

  /** The named block device, once the bus has bound the devices it is working on. */
  private List<ServiceReference<BlockDevice>> named(String name) throws InvalidSyntaxException {
    String unsettled = BusSettle.beforeClassServices(context);
    List<ServiceReference<BlockDevice>> refs = refs(name);
    if (refs.isEmpty()) {
      throw new IllegalArgumentException("there is no block device named '" + name + "'" + unsettled);
    }
    return refs;
  }

  private List<ServiceReference<BlockDevice>> refs(String name) throws InvalidSyntaxException {
    if (name == null) {
      BusSettle.beforeClassServices(context); // a listing shows devices just added, bound
    }
    String filter = name == null ? null : "(" + BlockDevice.PROP_NAME + "=" + name + ")";
    return new ArrayList<>(context.getServiceReferences(BlockDevice.class, filter));
  }
}
