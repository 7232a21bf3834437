package net.vdpa.driver.virtionet;

import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.ring.driver.CommandQueue;

/**
 * The control virtqueue: one command at a time ({@code class, command, data} readable, one ack
 * byte writable), waiting a bounded time for the device's answer.
 */
final class ControlQueue {
  /** The longest command: an RSS configuration with a 128-entry table and a 40-byte key. */
  private static final int CMD_SIZE = 320;
  private final CommandQueue commands;

  ControlQueue(DriverRing ring, DmaMemory mem, VdpaDevice device) {
    this.commands = new CommandQueue(ring.laidOut, mem.memory,
        CMD_SIZE, () -> device.kickVq(ring.index));
    device.setVqCallback(ring.index, i -> commands.used());
  }

  static long footprint() {
    return CommandQueue.footprint(CMD_SIZE);
  }

  /**
   * Sends a command and waits for the ack.
   *
   * @throws IllegalStateException naming the command if the device refuses it or does not answer
   */
  void command(int cls, int cmd, byte[] data, long timeoutMillis) {
    if (data.length + 2 > CMD_SIZE) {
      throw new IllegalArgumentException("control command data of " + data.length + " bytes is too long");
    }
    byte[] request = new byte[2 + data.length];
    request[0] = (byte) cls;
    request[1] = (byte) cmd;
    System.arraycopy(data, 0, request, 2, data.length);
    int status;
    try {
      status = commands.call(request, timeoutMillis);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("control command class " + cls + " command " + cmd + ": " + e.getMessage(), e);
    }
    if (status != VirtioNet.CTRL_OK) {
      throw new IllegalStateException("device refused control command class " + cls + " command " + cmd
          + " (ack " + status + ")");
    }
  }
}
