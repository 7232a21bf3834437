package net.vdpa.device.smartnic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import net.vdpa.api.port.PortCounters;
import net.vdpa.api.port.Delivery;
import net.vdpa.api.port.PortEnd;
import net.vdpa.api.port.PortState;
import net.vdpa.api.port.WireKind;
import net.vdpa.device.core.net.ForeignCable;
import net.vdpa.device.core.net.Frame;
import net.vdpa.device.core.net.FrameQueue;
import net.vdpa.device.core.net.FrameWrap;
import net.vdpa.device.core.net.PcapWriter;

/**
 * An uplink of an adapter as a port: the switch port it is, and what is plugged into it — nothing
 * (no carrier: floods leave it out, frames to it are dropped), a pcap capture of what the switch
 * sends out of it, or a cable to another port ({@link PortEnd}: a simulated NIC's port, another
 * adapter's uplink), whose frames come into the switch through the uplink. Its link state is the
 * administrator's ({@code vdpa:port link}); the functions' link follows it (the adapter's {@link
 * Adapter#followUplinks}) and is kept by the adapter; what is plugged in is not kept. In switchdev
 * mode the uplink's switch port has a representor (the uplink representor): what comes in from the
 * wire and no rule carries goes to it, and what is sent on it leaves through {@link #accept}.
 *
 * <p>Thread-safe: plugging holds this object's lock and never calls another provider under it (the
 * far end hears {@link PortEnd#unplugged} after the lock is let go); the datapath reads the volatile
 * wire fields and counts atomically, from the workers of the functions (sending) and of the far end
 * (receiving).
 */
final class Uplink implements SwitchPort.Receiver {
  /** The largest frame an uplink carries: a 9216-byte MTU, its Ethernet header and one tag. */
  static final int MAX_FRAME = 9216 + 14 + 4;

  private final SwitchPort port;
  private final ESwitch eswitch;
  private final End end = new End();
  private final FrameWrap wrap = new FrameWrap();
  /** The cable to another port, or null. Written under this, read per frame. */
  private volatile ForeignCable cable;
  /** Whether the far end was told {@link Delivery#FULL} and waits to be called back. */
  private volatile boolean farWaiting;
  /** The capture, or null. Written under this, read per frame. */
  private volatile PcapWriter capture;
  /** The administrator's link state. Guarded by this. */
  private boolean adminUp = true;
  private final AtomicLong rxPackets = new AtomicLong();
  private final AtomicLong rxBytes = new AtomicLong();
  private final AtomicLong rxDropped = new AtomicLong();
  private final AtomicLong txPackets = new AtomicLong();
  private final AtomicLong txBytes = new AtomicLong();

  /**
   * An uplink with nothing plugged in, its switch port already added.
   *
   * @param port its switch port
   * @param eswitch the adapter's switch
   */
  Uplink(SwitchPort port, ESwitch eswitch) {
    this.port = port;
    this.eswitch = eswitch;
    port.attach(this);
  }

  String name() {
    return port.name();
  }

  SwitchPort port() {
    return port;
  }

  synchronized boolean linkUp() {
    return adminUp;
  }

  /**
   * Sets the administrator's link state (the adapter tells the functions).
   *
   * @param up the state
   */
  synchronized void setLink(boolean up) {
    adminUp = up;
    carrier();
  }

  /** The switch floods out of the uplink and sends to it only while it is up and has a wire. */
  private void carrier() {
    port.setLinkUp(adminUp && (cable != null || capture != null));
  }

  /**
   * The uplink's end, for a cable from another port.
   *
   * @return the end
   * @throws IllegalArgumentException if it has a cable already
   */
  synchronized PortEnd end() {
    refuseCabled();
    return end;
  }

  private void refuseCabled() {
    ForeignCable c = cable;
    if (c != null) {
      throw new IllegalArgumentException("port " + name() + " is cabled to " + c.peer() + " already; unplug it first");
    }
  }

  /**
   * Plugs the uplink into a cable to another port's end.
   *
   * @param far the other end
   * @throws IllegalArgumentException if it has a cable already
   */
  void join(PortEnd far) {
    PcapWriter old;
    synchronized (this) {
      refuseCabled();
      old = capture;
      capture = null;
      cable = new ForeignCable(far, MAX_FRAME);
      carrier();
    }
    if (old != null) {
      old.close();
    }
  }

  /**
   * Plugs the uplink into a new capture file (its cable, if any, is unplugged).
   *
   * @param file the file, created or truncated
   * @throws IOException if it cannot be written
   */
  void capture(Path file) throws IOException {
    PcapWriter next = new PcapWriter(file, false);
    replace(next);
  }

  /** Unplugs whatever is plugged in: the uplink has no carrier. */
  void unplug() {
    replace(null);
  }

  private void replace(PcapWriter next) {
    ForeignCable oldCable;
    PcapWriter oldCapture;
    synchronized (this) {
      oldCable = cable;
      oldCapture = capture;
      cable = null;
      capture = next;
      carrier();
    }
    // outside the lock: the far end takes its own provider's lock to unplug
    if (oldCable != null) {
      oldCable.close();
    }
    if (oldCapture != null) {
      oldCapture.close();
    }
  }

  /** The far end unplugged: the uplink has no carrier, and does not call it back. */
  private synchronized void farUnplugged() {
    ForeignCable c = cable;
    if (c != null && c.release()) {
      cable = null;
      carrier();
    }
  }

  @Override
  public int accept(int senderPair, Frame frame, int tag) {
    final ForeignCable c = cable;
    final boolean sent;
    if (c != null) {
      final Delivery d = c.send(frame, tag);
      if (d == Delivery.FULL) {
        return SwitchPort.FULL; // the far end calls End.roomMade once it has room
      }
      sent = d == Delivery.TAKEN;
    } else {
      final PcapWriter w = capture;
      // a capture records the frame as the switch carried it, before its tag is pushed or popped
      sent = w != null && w.write(frame);
      if (sent) {
        w.flush();
      }
    }
    if (!sent) {
      return SwitchPort.DROPPED;
    }
    txPackets.incrementAndGet();
    txBytes.addAndGet(FrameQueue.taggedLength(frame, tag));
    return SwitchPort.TAKEN;
  }

  /**
   * A function's full inbox has made room: the far end, which may have been told {@link
   * Delivery#FULL}, offers again (nothing if unplugged).
   */
  @Override
  public void wakeSenders() {
    final ForeignCable c = cable;
    // only a far end this uplink told FULL is called back: two adapters cabled both ways would
    // otherwise wake each other for ever
    if (farWaiting && c != null) {
      farWaiting = false;
      c.roomMade();
    }
  }

  /**
   * The uplink as a port.
   *
   * @return its state
   */
  synchronized PortState state() {
    ForeignCable c = cable;
    PcapWriter w = capture;
    WireKind kind = c != null ? WireKind.CABLE : w != null ? WireKind.CAPTURE : WireKind.NONE;
    return new PortState(name(), kind, c != null ? c.peer() : null, w != null ? w.file() : null, adminUp, true,
        kind != WireKind.NONE);
  }

  /**
   * What the uplink carried since its adapter appeared, in the kernel's sense: received from the
   * wire into the switch, transmitted out of the switch onto the wire; transmit drops are the
   * switch's at the port (no carrier, link down, the far end refused).
   *
   * @return the counters
   */
  PortCounters counters() {
    return new PortCounters(rxPackets.get(), rxBytes.get(), rxDropped.get(), txPackets.get(), txBytes.get(),
        port.txDropped());
  }

  /** The adapter goes away: whatever is plugged in is unplugged (a far end hears it). */
  void close() {
    unplug();
  }

  /** What another provider's port sends into: the switch, as if the frame came in on the uplink. */
  private final class End implements PortEnd {
    @Override
    public String port() {
      return name();
    }

    @Override
    public boolean receive(ByteBuffer b) {
      return offer(b) == Delivery.TAKEN;
    }

    @Override
    public Delivery offer(ByteBuffer b) {
      final int len = b.remaining();
      if (cable == null || !port.linkUp() || len < 14) {
        rxDropped.incrementAndGet();
        return Delivery.DROPPED;
      }
      final Frame f = wrap.wrap(b);
      int out = eswitch.forward(port, 0, f);
      if (out == SwitchPort.FULL) {
        // a function's inbox is full: once its worker has drained, it wakes the switch's senders,
        // and this uplink calls the far end back (wakeSenders). Marked first, then tried again: a
        // drain between the refusal and the mark would otherwise call nobody back
        farWaiting = true;
        out = eswitch.forward(port, 0, f);
        if (out == SwitchPort.FULL) {
          return Delivery.FULL;
        }
      }
      if (out <= 0) {
        rxDropped.incrementAndGet();
        return Delivery.DROPPED;
      }
      rxPackets.incrementAndGet();
      rxBytes.addAndGet(len);
      return Delivery.TAKEN;
    }

    @Override
    public void roomMade() {
      // the far port has room again: the functions holding frames for it go on (and an uplink
      // that told its own far end FULL calls it back, once)
      eswitch.wakeSenders();
    }

    @Override
    public void unplugged() {
      farUnplugged();
    }
  }
}
