package net.vdpa.driver.vhost;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.vdpa.api.IovaRange;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;
import net.vdpa.api.vhost.IotlbMsg;
import net.vdpa.api.vhost.VhostHandle;

/**
 * The in-process vhost-vdpa handle: each ioctl becomes the matching device operation, as Linux's
 * {@code vhost_vdpa} does. Every method holds the handle's monitor, which guards all fields.
 */
final class InProcessHandle implements VhostHandle {
  private final VdpaDevice device;
  private final String who;
  private final Runnable onClose;
  /** IOVA to size of what this handle mapped, so that close can unmap it. */
  private final NavigableMap<Long, Long> mapped = new TreeMap<>();
  private boolean owner;
  private String closedBecause;

  /**
   * A handle on a device whose owner slot {@code who} already holds.
   *
   * @param device the device
   * @param who the owner's name
   * @param onClose gives the owner slot back
   */
  InProcessHandle(VdpaDevice device, String who, Runnable onClose) {
    this.device = device;
    this.who = who;
    this.onClose = onClose;
  }

  private void open() {
    if (closedBecause != null) {
      throw new IllegalStateException("vhost handle of " + who + " on device " + device.name() + " is closed: "
          + closedBecause);
    }
  }

  private void owned(String op) {
    open();
    if (!owner) {
      throw new IllegalStateException("vhost handle of " + who + " on device " + device.name() + ": " + op
          + " before setOwner");
    }
  }

  private void vq(int idx) {
    if (idx < 0 || idx >= device.vqCount()) {
      throw new IllegalArgumentException("device " + device.name() + ": vring " + idx + " is outside 0.."
          + (device.vqCount() - 1));
    }
  }

  @Override
  public synchronized void setOwner() {
    open();
    if (owner) {
      throw new IllegalStateException("vhost handle of " + who + " on device " + device.name() + " already owns it");
    }
    owner = true;
  }

  @Override
  public synchronized void resetOwner() {
    owned("resetOwner");
    clear();
    owner = false;
  }

  private void clear() {
    device.reset();
    for (int i = 0; i < device.vqCount(); i++) {
      device.setVqCallback(i, null);
    }
    mapped.clear(); // reset forgot the device's mappings
  }

  @Override
  public synchronized long getFeatures() {
    open();
    return device.deviceFeatures();
  }

  @Override
  public synchronized void setFeatures(long features) {
    owned("setFeatures");
    device.setDriverFeatures(features);
  }

  @Override
  public synchronized int getDeviceId() {
    open();
    return device.deviceId();
  }

  @Override
  public synchronized int getVqCount() {
    open();
    return device.vqCount();
  }

  @Override
  public synchronized int getVringNumMax() {
    open();
    return device.vqNumMax();
  }

  @Override
  public synchronized IovaRange getIovaRange() {
    open();
    return device.iovaRange();
  }

  @Override
  public synchronized int getStatus() {
    owned("getStatus");
    return device.status();
  }

  @Override
  public synchronized void setStatus(int status) {
    owned("setStatus");
    if (status < 0 || status > 0xff) {
      throw new IllegalArgumentException("status " + status + " is not a byte");
    }
    if (status == 0) {
      clear();
    } else {
      device.setStatus(status);
    }
  }

  @Override
  public synchronized void getConfig(int offset, ByteBuffer dst) {
    owned("getConfig");
    device.getConfig(offset, dst);
  }

  @Override
  public synchronized void setConfig(int offset, ByteBuffer src) {
    owned("setConfig");
    device.setConfig(offset, src);
  }

  @Override
  public synchronized void setVringNum(int idx, int num) {
    owned("setVringNum");
    vq(idx);
    device.setVqNum(idx, num);
  }

  @Override
  public synchronized void setVringAddr(int idx, long desc, long avail, long used) {
    owned("setVringAddr");
    vq(idx);
    device.setVqAddress(idx, desc, avail, used);
  }

  @Override
  public synchronized void setVringBase(int idx, int base) {
    owned("setVringBase");
    vq(idx);
    device.setVqState(idx, VqState.split(base));
  }

  @Override
  public synchronized int getVringBase(int idx) {
    owned("getVringBase");
    vq(idx);
    return device.getVqState(idx).lastAvailIdx();
  }

  @Override
  public void kick(int idx) {
    // no lock: kicks come from the datapath and the device accepts them from any thread
    device.kickVq(idx);
  }

  @Override
  public synchronized void setVringCall(int idx, VqCallback call) {
    owned("setVringCall");
    vq(idx);
    device.setVqCallback(idx, call);
  }

  @Override
  public synchronized void setVringEnable(int idx, boolean enable) {
    owned("setVringEnable");
    vq(idx);
    device.setVqReady(idx, enable);
  }

  @Override
  public synchronized void iotlb(List<IotlbMsg> batch) {
    owned("iotlb");
    for (int i = 0; i < batch.size(); i++) {
      IotlbMsg m = batch.get(i);
      try {
        if (m.type() == IotlbMsg.Type.UPDATE) {
          device.dmaMap(m.iova(), m.memory().duplicate(), m.perm());
          mapped.put(m.iova(), m.size());
        } else {
          device.dmaUnmap(m.iova(), m.size());
          mapped.remove(m.iova());
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException("iotlb message " + i + " (" + m.type() + " at 0x"
            + Long.toHexString(m.iova()) + ", " + m.size() + " bytes) refused: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    revoke("closed by its owner");
  }

  /**
   * Closes the handle for a reason: resets the device and gives the owner slot back. Idempotent.
   *
   * @param reason why, shown to later calls
   */
  synchronized void revoke(String reason) {
    if (closedBecause != null) {
      return;
    }
    closedBecause = reason;
    try {
      clear();
    } finally {
      owner = false;
      onClose.run();
    }
  }
}
