package net.vdpa.device.simnet;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.DeviceTable;

/**
 * The logic of the {@code vdpasim_net} management device, free of OSGi: checks a
 * {@link DevConfig}, fills in the defaults, creates the {@link SimNetDevice}, has it published,
 * and on delete has it withdrawn (the bus removes its driver meanwhile), unplugged and reset.
 *
 * <p>Thread-safe: the device table is guarded by this object's lock; publishing and withdrawing
 * happen outside it, because the service registry calls out to the bus.
 */
final class SimNetManager implements VdpaMgmtDevice {
  /** The management device handle. */
  static final String HANDLE = "vdpasim_net";
  /** The default MTU. */
  static final int DEFAULT_MTU = 1500;
  /** Every feature a simulated NIC implements. */
  static final long SUPPORTED_FEATURES = bits(VirtioNet.F_VERSION_1, VirtioNet.F_ACCESS_PLATFORM, VirtioNet.F_MAC,
      VirtioNet.F_MTU, VirtioNet.F_STATUS, VirtioNet.F_CTRL_VQ, VirtioNet.F_CTRL_RX, VirtioNet.F_CTRL_MAC_ADDR,
      VirtioNet.F_MQ, VirtioNet.F_MRG_RXBUF, VirtioNet.F_EVENT_IDX, VirtioNet.F_INDIRECT_DESC,
      VirtioNet.F_RING_PACKED, VirtioNet.F_IN_ORDER);

  private final EventLog log;
  private final SimNetPortBoard ports;
  private final DeviceTable<SimNetDevice> table;

  /**
   * A management device with no devices, whose ports keep nothing.
   *
   * @param publisher registers devices as services
   * @param log where log lines go
   */
  SimNetManager(DeviceTable.Publisher publisher, EventLog log) {
    this(publisher, log, PortStores.NONE);
  }

  /**
   * A management device with no devices, whose port settings are kept in a store and given back
   * to each device it creates.
   *
   * @param publisher registers devices as services
   * @param log where log lines go
   * @param store where port settings are kept
   */
  SimNetManager(DeviceTable.Publisher publisher, EventLog log, PortStore store) {
    this.log = log;
    this.table = new DeviceTable<>(HANDLE, publisher, log);
    this.ports = new SimNetPortBoard(this::find, this::devices, store, log);
  }

  private static long bits(int... bits) {
    long m = 0;
    for (int b : bits) {
      m |= VirtioNet.bit(b);
    }
    return m;
  }

  /**
   * The port controls of this management device's NICs.
   *
   * @return the port board
   */
  SimNetPortBoard ports() {
    return ports;
  }

  @Override
  public String handle() {
    return HANDLE;
  }

  @Override
  public Set<String> supportedClasses() {
    return Set.of("net");
  }

  @Override
  public long supportedFeatures() {
    return SUPPORTED_FEATURES;
  }

  @Override
  public int maxSupportedVqs() {
    return 2 * NetSpec.MAX_VQP + 1;
  }

  @Override
  public Set<DevAttr> acceptedAttributes() {
    return EnumSet.of(DevAttr.MAC, DevAttr.MTU, DevAttr.MAX_VQP, DevAttr.DEVICE_FEATURES);
  }

  /**
   * Resolves a configuration into a spec: checks it, fills in defaults.
   *
   * @param c the configuration
   * @return the spec
   * @throws IllegalArgumentException naming the value that is not acceptable
   */
  NetSpec resolve(DevConfig c) {
    VdpaMgmtDevice.super.validate(c); // attributes, feature bits, VERSION_1, a unicast MAC
    long features = c.deviceFeatures() != null ? c.deviceFeatures() : SUPPORTED_FEATURES;
    long needCvq = features & bits(VirtioNet.F_CTRL_RX, VirtioNet.F_CTRL_MAC_ADDR, VirtioNet.F_MQ);
    if (needCvq != 0 && (features & VirtioNet.bit(VirtioNet.F_CTRL_VQ)) == 0) {
      throw new IllegalArgumentException("device_features 0x" + Long.toHexString(features) + ": "
          + VirtioNet.featureNames(needCvq) + " need CTRL_VQ");
    }
    int maxVqp = c.maxVqp() != null ? c.maxVqp() : 1;
    if (maxVqp > 1 && (features & VirtioNet.bit(VirtioNet.F_MQ)) == 0) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " needs feature MQ, which device_features 0x"
          + Long.toHexString(features) + " lack");
    }
    MacAddress mac = c.mac() != null ? c.mac() : defaultMac(c.name());
    int mtu = c.mtu() != null ? c.mtu() : DEFAULT_MTU;
    return new NetSpec(c.name(), HANDLE, mac, mtu, maxVqp, features);
  }

  /**
   * The MAC a device gets when none is given: locally administered unicast ({@code 02:...}), the
   * other five octets a hash of the name, so that the same name always gets the same address.
   *
   * @param name the device name
   * @return the address
   */
  static MacAddress defaultMac(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return new MacAddress((0x02L << 40) | (h & 0xff_ffff_ffffL));
  }

  /** Everything {@link #devAdd} checks about the values, without creating anything. */
  @Override
  public void validate(DevConfig config) {
    resolve(config);
  }

  @Override
  public VdpaDevice devAdd(DevConfig config) {
    NetSpec spec = resolve(config);
    // the port is plugged in before drivers see the device, and unplugged if it cannot be published
    return table.add(new SimNetDevice(spec, log), ports::attach, ports::detach, "device " + spec.name()
        + " created: mac " + spec.mac() + " mtu " + spec.mtu() + " max_vqp " + spec.maxVqp() + " features "
        + VirtioNet.featureNames(spec.features()));
  }

  @Override
  public void devDel(String name) {
    table.delete(name, this::unplug);
  }

  /** The port first: whoever waits for the device to leave the bus then sees its wires settled. */
  private void unplug(SimNetDevice d) {
    ports.detach(d);
  }

  @Override
  public List<String> devices() {
    return table.names();
  }

  /**
   * A device by name.
   *
   * @param name the name
   * @return the device, or null
   */
  SimNetDevice find(String name) {
    return table.find(name);
  }

  /** Deletes every device and refuses new ones (the bundle stops). */
  void close() {
    table.close(this::unplug);
  }
}
