package net.vdpa.bus;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VqCallback;
import net.vdpa.api.VqState;

/** A device that only keeps its status byte and counts resets. */
final class FakeDevice implements VdpaDevice {
  final String name;
  final int deviceId;
  volatile int status;
  final AtomicInteger resets = new AtomicInteger();
  volatile int numMax = 256;
  volatile int numMin = 1;

  FakeDevice(String name, int deviceId) {
    this.name = name;
    this.deviceId = deviceId;
  }

  @Override public String name() { return name; }
  @Override public int deviceId() { return deviceId; }
  @Override public int vendorId() { return 0; }
  @Override public int vqCount() { return 2; }
  @Override public int vqNumMax() { return numMax; }
  @Override public int vqNumMin() { return numMin; }
  @Override public long deviceFeatures() { return 1L << 32; }
  @Override public void setDriverFeatures(long features) {}
  @Override public long driverFeatures() { return 0; }
  @Override public int status() { return status; }
  @Override public void setStatus(int s) { status = s; }
  @Override public void reset() { status = 0; resets.incrementAndGet(); }
  @Override public int configSize() { return 0; }
  @Override public void getConfig(int offset, ByteBuffer dst) {}
  @Override public int generation() { return 0; }
  @Override public void setConfigCallback(Runnable callback) {}
  @Override public void setVqAddress(int idx, long d, long dr, long dv) {}
  @Override public void setVqNum(int idx, int num) {}
  @Override public void setVqReady(int idx, boolean ready) {}
  @Override public boolean isVqReady(int idx) { return false; }
  @Override public VqState getVqState(int idx) { return VqState.split(0); }
  @Override public void setVqState(int idx, VqState state) {}
  @Override public void kickVq(int idx) {}
  @Override public void setVqCallback(int idx, VqCallback callback) {}
  @Override public void dmaMap(long iova, ByteBuffer memory, int perm) {}
  @Override public void dmaUnmap(long iova, long size) {}
}
