package net.vdpa.testkit.devices;

import java.nio.ByteBuffer;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.device.simnet.SimNetMgmtDevice;

/**
 * Real simulated NICs (the {@code vdpasim_net} management device, loopback wire) for tests and
 * benchmarks that drive a device without a framework. The management device registers its port
 * services into a stub bundle context that keeps nothing, so no bus, ConfigAdmin or shell is involved;
 * what a caller gets is a plain {@link VdpaDevice}. Delete a device with {@link
 * VdpaMgmtDevice#devDel(String)} on {@link #mgmt()} when a test creates many.
 */
public final class SimNetFixture {
  private final VdpaMgmtDevice mgmt;

  /** A fresh management device with no devices. */
  public SimNetFixture() {
    mgmt = new SimNetMgmtDevice(StubContext.create());
  }

  /**
   * Creates a simulated NIC with one queue pair on a fresh management device.
   *
   * @param name the device name
   * @return the device, not yet driven
   */
  public static VdpaDevice create(String name) {
    return new SimNetFixture().add(name, null, 1);
  }

  /**
   * Creates a simulated NIC with up to {@code maxVqp} queue pairs (MQ) on a fresh management device.
   *
   * @param name the device name
   * @param maxVqp the device's maximum queue pairs
   * @return the device, not yet driven
   */
  public static VdpaDevice create(String name, int maxVqp) {
    return new SimNetFixture().add(name, null, maxVqp);
  }

  /**
   * Creates a simulated NIC on this fixture's management device.
   *
   * @param name the device name, unique on this fixture
   * @param mac its MAC, or null for a generated one
   * @param maxVqp its maximum queue pairs
   * @return the device, not yet driven
   */
  public VdpaDevice add(String name, MacAddress mac, int maxVqp) {
    return mgmt.devAdd(new DevConfig(name, mac, null, maxVqp, null));
  }

  /** The management device the fixture's devices come from. */
  public VdpaMgmtDevice mgmt() {
    return mgmt;
  }

  /**
   * The device's MAC as {@code 02:00:..}, read from its config space.
   *
   * @param device a simulated NIC
   * @return the MAC in lower-case colon form
   */
  public static String mac(VdpaDevice device) {
    ByteBuffer b = ByteBuffer.allocate(6);
    device.getConfig(0, b);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      s.append(i == 0 ? "" : ":").append(String.format("%02x", b.get(i) & 0xff));
    }
    return s.toString();
  }

  /**
   * One counter of one virtqueue, by its vendor name ({@code rx_packets}, {@code tx_bytes}, ...).
   *
   * @param device a simulated NIC
   * @param vq the queue index
   * @param name the counter's name
   * @return its value, or -1 when the queue has no such counter
   */
  public static long stat(VdpaDevice device, int vq, String name) {
    return device.vendorVqStats(vq).getOrDefault(name, -1L);
  }
}
