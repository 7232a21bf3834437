package net.vdpa.driver.virtionet;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.DriverQueue;

/**
 * The control virtqueue: one command at a time ({@code class, command, data} readable, one ack
 * byte writable), waiting a bounded time for the device's answer.
 */
final class ControlQueue {
  private static final int CMD_SIZE = 64;
  private final DriverRing ring;
  private final DriverQueue q;
  private final VdpaDevice device;
  private final DmaMemory mem;
  private final long cmdIova;
  private final long ackIova;

  ControlQueue(DriverRing ring, DmaMemory mem, VdpaDevice device) {
    this.ring = ring;
    this.q = ring.queue;
    this.device = device;
    this.mem = mem;
    this.cmdIova = mem.allocate(CMD_SIZE, 64);
    this.ackIova = mem.allocate(64, 64);
    q.disableInterrupts();
  }

  static long footprint() {
    return CMD_SIZE + 64 + 128;
  }

  /**
   * Sends a command and waits for the ack.
   *
   * @throws IllegalStateException naming the command if the device refuses it or does not answer
   */
  synchronized void command(int cls, int cmd, byte[] data, long timeoutMillis) {
    if (data.length + 2 > CMD_SIZE) {
      throw new IllegalArgumentException("control command data of " + data.length + " bytes is too long");
    }
    int off = mem.offset(cmdIova);
    mem.buffer.put(off, (byte) cls);
    mem.buffer.put(off + 1, (byte) cmd);
    mem.buffer.put(off + 2, data);
    int ack = mem.offset(ackIova);
    mem.buffer.put(ack, (byte) 0xff);
    int head = q.add(new long[] {cmdIova, ackIova}, new int[] {2 + data.length, 1}, 1, 1);
    if (head == DriverQueue.FULL) {
      throw new IllegalStateException("control queue is full");
    }
    q.publish();
    device.kickVq(ring.index);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (q.pollUsed() == DriverQueue.EMPTY) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("control command class " + cls + " command " + cmd
            + " got no answer within " + timeoutMillis + " ms");
      }
      LockSupport.parkNanos(50_000);
    }
    int status = mem.buffer.get(ack) & 0xff;
    if (status != VirtioNet.CTRL_OK) {
      throw new IllegalStateException("device refused control command class " + cls + " command " + cmd
          + " (ack " + status + ")");
    }
  }
}
