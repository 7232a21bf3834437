package net.vdpa.shell;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.net.HashReport;
import net.vdpa.api.net.NetInterface;
import net.vdpa.api.net.NetStats;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code net} command scope: the network interfaces drivers publish ({@code show}), their
 * counters ({@code stats}), and a traffic check that sends frames from one interface to another
 * (or to itself through a loopback wire) and reports counts and rate. A job cut short (the driver
 * stopped, the device deleted or unbound, the link down, Ctrl-C) fails with the same line, what was
 * sent and received so far, and why it stopped.
 */
@Component(service = NetCommands.class, property = {"osgi.command.scope=net", "osgi.command.function=show",
    "osgi.command.function=stats", "osgi.command.function=traffic"})
public final class NetCommands {
  private final BundleContext context;

  /** Creates the commands. */
  @Activate
  public NetCommands(BundleContext context) {
    this.context = context;
  }

  /** {@code net:show}. */
  @Descriptor("list network interfaces")
  public String show() {
    return ShellError.guard(this::showInterfaces);
  }

  private String showInterfaces() {
    try (HeldServices held = new HeldServices(context)) {
      List<NetFormat.Iface> list = new ArrayList<>();
      for (NetInterface i : all(held)) {
        list.add(new NetFormat.Iface(i.name(), i.device(), i.mac().toString(), i.mtu(), i.linkUp(), i.queuePairs()));
      }
      return NetFormat.show(list);
    }
  }

  /** {@code net:stats [-j] [-p] IF}. */
  @Descriptor("counters of a network interface, total and per queue pair: [-j] [-p] IF")
  public String stats(@Descriptor(Flags.JSON_HELP) @Parameter(names = {Flags.J, Flags.JSON}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean json,
      @Descriptor(Flags.PRETTY_HELP) @Parameter(names = {Flags.P, Flags.PRETTY}, absentValue = Flags.OFF, presentValue = Flags.ON) boolean pretty,
      @Descriptor("IF: the interface name, e.g. vnet0") String... argv) {
    return ShellError.guard(() -> statsOf(Args.of(json, pretty, argv)));
  }

  private String statsOf(Args a) {
    if (a.words().size() != 1) {
      throw new IllegalArgumentException(a.words().isEmpty() ? "interface name is not set: net:stats [-j] [-p] IF"
          : "one interface at a time: net:stats [-j] [-p] IF, got " + String.join(" ", a.words()));
    }
    String name = a.word(0);
    return JsonSection.show(a.style(), "stats", () -> {
      try (HeldServices held = new HeldServices(context)) {
        NetInterface i = named(held, name);
        List<NetStats> pairs = new ArrayList<>();
        List<SortedMap<HashReport, Long>> hashes = new ArrayList<>();
        for (int p = 0; p < i.queuePairs(); p++) {
          pairs.add(i.stats(p));
          hashes.add(i.hashReports(p));
        }
        return NetFormat.stats(i.name(), i.stats(), pairs, hashes, a.style());
      }
    });
  }

  /** {@code net:traffic [count N] [size S] [burst B] FROM [TO]}. */
  @Descriptor("send frames from one interface to another (or itself) on queue pair 0 and report counts and "
      + "rate: [count N] [size BYTES] [burst FRAMES] FROM [TO]")
  public String traffic(CommandSession session,
      @Descriptor("[count N] [size BYTES] [burst FRAMES] FROM [TO]") String... argv) {
    return ShellError.guard(() -> sendTraffic(session, argv));
  }

  /** Frames handed to the interface per call unless {@code burst} says otherwise. */
  static final int DEFAULT_BURST = 32;
  /** The longest burst: the default queue size. */
  static final int MAX_BURST = 256;
  /** How long a job waits on a full transmit ring before it gives up. */
  static final long STALL_MS = 5_000;
  /** How long a job waits, after the last frame is sent, for frames still on their way. */
  static final long SETTLE_MS = 2_000;

  /** Counts received frames and lets the job wait for a number of them. */
  private static final class Arrivals {
    private final AtomicLong count = new AtomicLong();
    private final CountDownLatch reached = new CountDownLatch(1);
    private volatile long target = Long.MAX_VALUE;

    void arrived() {
      if (count.incrementAndGet() >= target) {
        reached.countDown();
      }
    }

    long get() {
      return count.get();
    }

    /** Waits until {@code n} frames have arrived, or the time is up. */
    void await(long n, long millis) throws InterruptedException {
      target = n;
      // a frame that arrived before the target was set did not count down: check once
      if (count.get() < n) {
        reached.await(millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  private String sendTraffic(CommandSession session, String... argv) {
    // the interfaces are used for the whole job: held until it ends
    try (HeldServices held = new HeldServices(context)) {
      return sendTraffic(session, held, argv);
    }
  }

  private String sendTraffic(CommandSession session, HeldServices held, String... argv) {
    long count = 100_000;
    int size = 64;
    int burst = DEFAULT_BURST;
    List<String> names = new ArrayList<>();
    for (int k = 0; k < argv.length; k++) {
      switch (argv[k]) {
        case "count" -> count = DevAddArgs.number("count", value(argv, ++k, "count"));
        case "size" -> size = DevAddArgs.number("size", value(argv, ++k, "size"));
        case "burst" -> burst = DevAddArgs.number("burst", value(argv, ++k, "burst"));
        default -> names.add(argv[k]);
      }
    }
    if (names.isEmpty() || names.size() > 2) {
      throw new IllegalArgumentException("give one interface (loopback) or two (from, to), e.g. net:traffic vnet0");
    }
    NetInterface from = named(held, names.get(0));
    NetInterface to = names.size() == 2 ? named(held, names.get(1)) : from;
    if (count < 1) {
      throw new IllegalArgumentException("count " + count + " must be at least 1");
    }
    if (size < 60 || size > from.mtu() + 14) {
      throw new IllegalArgumentException("size " + size + " is outside 60.." + (from.mtu() + 14) + " for " + from.name());
    }
    if (burst < 1 || burst > MAX_BURST) {
      throw new IllegalArgumentException("burst " + burst + " is outside 1.." + MAX_BURST);
    }
    ByteBuffer frame = ByteBuffer.allocateDirect(size);
    frame.put(to.mac().toBytes()).put(from.mac().toBytes()).putShort((short) 0x88b5);
    while (frame.hasRemaining()) {
      frame.put((byte) frame.position());
    }
    frame.flip();
    ByteBuffer[] frames = new ByteBuffer[burst];
    Arrays.fill(frames, frame);
    Arrivals received = new Arrivals();
    to.setReceiver((pair, f) -> received.arrived());
    long sent = 0;
    long start = System.nanoTime();
    long nextReport = start + TimeUnit.SECONDS.toNanos(1);
    long lastProgress = start;
    String stopped = null;
    try (TrafficWatch watch = new TrafficWatch(context, from, to)) {
      while (sent < count && stopped == null) {
        int n = from.send(0, frames, 0, (int) Math.min(burst, count - sent));
        long now = System.nanoTime();
        if (n > 0) {
          sent += n;
          lastProgress = now;
        } else if (n == 0) {
          if (now - lastProgress > TimeUnit.MILLISECONDS.toNanos(STALL_MS)) {
            stopped = "the transmit ring of " + from.name() + " stayed full for " + STALL_MS / 1000 + " s";
          }
          // the ring is full: the device's worker may need this core to drain it
          Thread.yield();
        } else {
          stopped = reason(watch, from);
        }
        if (stopped == null && watch.gone()) {
          stopped = reason(watch, from);
        }
        if (stopped == null && Thread.currentThread().isInterrupted()) {
          stopped = "interrupted";
        }
        if (now > nextReport) {
          session.getConsole().println("  sent " + sent + " received " + received.get());
          nextReport += TimeUnit.SECONDS.toNanos(1);
        }
      }
      if (stopped == null) {
        try {
          received.await(sent, SETTLE_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopped = "interrupted";
        }
      }
      if (stopped == null && watch.gone()) {
        stopped = reason(watch, from);
      }
      String line = NetFormat.traffic(from.name(), to.name(), size, sent, received.get(), System.nanoTime() - start);
      if (stopped != null) {
        throw new ShellError(line + ", stopped: " + stopped, null);
      }
      return line;
    } finally {
      to.setReceiver(null);
    }
  }

  /** Why the job stopped; Ctrl-C while waiting for the reason is a reason too. */
  private static String reason(TrafficWatch watch, NetInterface from) {
    try {
      return watch.reason(from);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String value(String[] argv, int k, String key) {
    if (k >= argv.length) {
      throw new IllegalArgumentException(key + " needs a value");
    }
    return argv[k];
  }

  /** Every interface, by name, held until the command ends. */
  private static List<NetInterface> all(HeldServices held) {
    held.settledBus();
    List<NetInterface> out = new ArrayList<>(held.all(NetInterface.class, null));
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  private static NetInterface named(HeldServices held, String name) {
    List<NetInterface> all = all(held);
    for (NetInterface i : all) {
      if (i.name().equals(name)) {
        return i;
      }
    }
    List<String> names = all.stream().map(NetInterface::name).toList();
    throw new IllegalArgumentException("unknown interface '" + name + "'" + (names.isEmpty() ? " (there is none)"
        : " (interfaces: " + String.join(", ", names) + ")") + held.settledBus());
  }
}
