package net.vdpa.device.simnet;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DescriptorChain;
import net.vdpa.ring.DeviceQueue;

/**
 * The datapath of one queue pair on its own thread: takes transmit chains and puts their frames on
 * the port's wire, writes frames arriving from the wire into the receive queue, and on pair 0
 * handles the control queue. Alone owns its rings, so it needs no lock.
 *
 * <p>Sleeping: when a pass finds no work it asks the driver for kicks again, checks once more and
 * parks. {@link #kick()} sets a flag and unparks only if the worker sleeps (the flag and the
 * sleeping mark are volatile and each side writes its own before reading the other's, so a kick
 * is never lost). Suspension parks the worker between passes; kicks that arrive meanwhile leave
 * the flag set and are processed on resume.
 */
final class QueuePairWorker implements Runnable {
  /** Transmit chains handled per pass before the receive side gets a turn. */
  static final int BATCH = 64;
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How long an idle worker keeps polling its rings before it asks for kicks and sleeps. */
  static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  private final WorkerHost host;
  private final int pair;
  private final Port port;
  private final RxFilter filter;
  private final VqSlot txSlot;
  private final DeviceQueue tx;
  private final RxQueue rx;
  private final ControlQueue ctrl;
  private final int maxFrame;
  private final DescriptorChain txChain = new DescriptorChain(16);
  private final Frame txFrame = new Frame();
  private final Frame inFrame = new Frame();
  private final Thread thread;

  /** A transmit chain popped but not yet carried: the cable's far end was full. Worker only. */
  private boolean holding;
  private volatile boolean running = true;
  private volatile boolean kicked = true;
  private volatile boolean sleeping;
  private volatile boolean pauseRequested;
  private volatile boolean paused;

  /**
   * Creates a worker; {@link #start()} starts it.
   *
   * @param host the device
   * @param name the thread name
   * @param pair the queue pair
   * @param port the device's port
   * @param filter the device's receive filter
   * @param rx the receive queue's slot with its live ring, or null
   * @param tx the transmit queue's slot with its live ring, or null
   * @param ctrl the control queue, or null
   * @param mergeable whether MRG_RXBUF was negotiated
   * @param maxFrame the longest frame transmitted
   * @param paused whether to start suspended
   */
  QueuePairWorker(WorkerHost host, String name, int pair, Port port, RxFilter filter, VqSlot rx, VqSlot tx,
      ControlQueue ctrl, boolean mergeable, int maxFrame, boolean paused) {
    this.host = host;
    this.pair = pair;
    this.port = port;
    this.filter = filter;
    this.txSlot = tx;
    this.tx = tx == null ? null : tx.queue;
    this.rx = rx == null ? null : new RxQueue(rx, mergeable);
    this.ctrl = ctrl;
    this.maxFrame = maxFrame;
    this.pauseRequested = paused;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Starts the thread. */
  void start() {
    thread.start();
  }

  /**
   * The queue pair.
   *
   * @return its number
   */
  int pair() {
    return pair;
  }

  /**
   * The worker's thread.
   *
   * @return the thread
   */
  Thread thread() {
    return thread;
  }

  /** Something to do: wake up if asleep. Cheap, never blocks, any thread. */
  void kick() {
    kicked = true;
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  /** Asks the thread to end; {@link #join} waits for it. */
  void stop() {
    running = false;
    LockSupport.unpark(thread);
  }

  /**
   * Waits for the thread to end, unless the caller is this worker (a callback that resets).
   *
   * @param millis how long to wait
   * @return true if the thread has ended or is the caller
   */
  boolean join(long millis) {
    if (Thread.currentThread() == thread) {
      return true;
    }
    try {
      thread.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  /** Asks the worker to stop between passes; {@link #awaitPaused} waits until it has. */
  void pause() {
    pauseRequested = true;
    LockSupport.unpark(thread);
  }

  /**
   * Waits until the worker is parked by {@link #pause} (or has ended).
   *
   * @param millis how long to wait
   * @return true if it is paused
   */
  boolean awaitPaused(long millis) {
    if (Thread.currentThread() == thread) {
      return true;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!paused && thread.isAlive() && thread.getState() != Thread.State.NEW) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(50_000);
    }
    return true;
  }

  /** Lets a paused worker run again; it makes a full pass, so kicks that came meanwhile count. */
  void resume() {
    pauseRequested = false;
    kicked = true;
    LockSupport.unpark(thread);
  }

  /**
   * The receive side, for a saved state that accounts for chains taken but not used.
   *
   * @return the receive queue, or null
   */
  RxQueue rxQueue() {
    return rx;
  }

  @Override
  public void run() {
    try {
      if (rx != null) {
        // receive buffers are taken when frames arrive, never waited for: no kicks needed
        rx.queue().disableNotifications();
      }
      loop();
    } catch (RuntimeException | Error e) {
      host.workerFailed(this, e);
    } finally {
      paused = true;
    }
  }

  private void loop() {
    while (running) {
      if (pauseRequested) {
        releaseHeld();
        paused = true;
        while (pauseRequested && running) {
          LockSupport.parkNanos(this, PARK_NANOS);
        }
        paused = false;
        continue;
      }
      kicked = false;
      if (pass() || poll()) {
        continue;
      }
      // a worker holding a frame for a full cable waits to be woken by the far end, not by kicks:
      // the driver's next buffers are already there, and asking for kicks would only spin
      if (!holding && armNotifications()) {
        disarmNotifications();
        continue;
      }
      sleeping = true;
      if (!kicked && running && !pauseRequested && !inboxWaiting()) {
        LockSupport.parkNanos(this, PARK_NANOS);
      }
      sleeping = false;
      disarmNotifications();
    }
  }

  /**
   * Polls for a short while before going to sleep: a driver that is sending keeps adding buffers,
   * and catching them without a kick and a wake-up is what makes a busy queue fast. Bounded, so an
   * idle worker sleeps within {@link #POLL_NANOS}.
   *
   * @return true if work turned up
   */
  private boolean poll() {
    final long deadline = System.nanoTime() + POLL_NANOS;
    do {
      // yield, not spin: where busy threads outnumber cores (two queue pairs are four threads) the
      // sender this worker waits for may need this core; with a core to spare it returns at once
      Thread.yield();
      if (pass()) {
        return true;
      }
    } while (System.nanoTime() < deadline && running && !pauseRequested);
    return false;
  }

  /** One round over the queues; true if anything was done. */
  private boolean pass() {
    boolean did = false;
    if (ctrl != null && !ctrl.slot().broken) {
      did = ctrl.process();
      check(ctrl.slot(), ctrl.queue());
    }
    if (tx != null && !txSlot.broken) {
      did |= transmit();
      check(txSlot, tx);
    }
    final FrameQueue in = port.inbox(pair);
    if (in != null && in.nonEmpty()) {
      did |= drain(in);
    }
    if (rx != null) {
      rx.finish();
      check(rx.slot(), rx.queue());
    }
    return did;
  }

  private boolean transmit() {
    final DeviceQueue q = tx;
    final DescriptorChain c = txChain;
    int n = 0;
    int sent = 0;
    long bytes = 0;
    int dropped = 0;
    int errors = 0;
    while (n < BATCH && (holding || q.pop(c))) {
      final long frameLen = c.readableBytes() - VirtioNet.HDR_LEN;
      if (frameLen < VirtioNet.ETH_HLEN || frameLen > maxFrame) {
        errors++;
      } else {
        txFrame.ofChain(c, VirtioNet.HDR_LEN);
        final Carry carried = port.linkUp() ? port.wire().transmit(port, this, txFrame) : Carry.DROPPED;
        if (carried == Carry.FULL) {
          // keep the chain: it goes on the wire first when the far end has made room
          holding = true;
          break;
        }
        if (carried == Carry.TAKEN) {
          sent++;
          bytes += frameLen;
        } else {
          dropped++;
        }
      }
      holding = false;
      n++;
      q.push(c.id(), 0);
    }
    if (n == 0) {
      return false;
    }
    // counters once per pass, before the driver can see the chains used
    txSlot.stats.countTransmit(n, sent, bytes, dropped, errors);
    // the wire first: once the driver sees the chains used, a capture file holds their frames
    port.wire().flush();
    publishUsed(q);
    return true;
  }

  private void publishUsed(DeviceQueue q) {
    q.publish();
    if (q.needsNotify()) {
      txSlot.notifyUsed();
    }
  }

  /**
   * Before the worker parks for a suspend: a chain held for a full cable is dropped and used, so
   * that the saved queue state accounts for every chain taken.
   */
  private void releaseHeld() {
    if (holding && tx != null && !txSlot.broken) {
      tx.push(txChain.id(), 0);
      txSlot.stats.countTransmit(1, 0, 0, 1, 0);
      publishUsed(tx);
    }
    holding = false;
  }

  private boolean drain(FrameQueue in) {
    int n = 0;
    while (n < BATCH && in.peek(inFrame)) {
      receive(inFrame);
      in.remove();
      n++;
    }
    if (n > 0 && in.takeBlocked()) {
      port.wire().drained(port);
    }
    return n > 0;
  }

  /**
   * Receives one frame on this queue pair: filter, then write into the receive queue (worker
   * thread: called by the wire during a transmit, or for frames from the inbox).
   *
   * @param frame the frame
   */
  void receive(Frame frame) {
    final RxQueue r = rx;
    if (r == null || r.slot().broken) {
      return;
    }
    if (!filter.accepts(frame.mac(0))) {
      r.slot().stats.inc(QueueStats.RX_DROPS);
      return;
    }
    r.deliver(frame);
  }

  private void check(VqSlot slot, DeviceQueue queue) {
    if (queue.needsReset() && !slot.broken && running) {
      slot.broken = true;
      slot.stats.inc(QueueStats.RING_ERRORS);
      host.ringError(slot);
    }
  }

  private boolean inboxWaiting() {
    final FrameQueue in = port.inbox(pair);
    return in != null && in.nonEmpty();
  }

  /** Asks for kicks on the queues the worker waits on; true if work arrived meanwhile. */
  private boolean armNotifications() {
    boolean work = false;
    if (tx != null && !txSlot.broken) {
      work = tx.enableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken) {
      work |= ctrl.queue().enableNotifications();
    }
    return work;
  }

  private void disarmNotifications() {
    if (tx != null && !txSlot.broken) {
      tx.disableNotifications();
    }
    if (ctrl != null && !ctrl.slot().broken) {
      ctrl.queue().disableNotifications();
    }
  }
}
