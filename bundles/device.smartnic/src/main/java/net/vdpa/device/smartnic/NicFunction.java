package net.vdpa.device.smartnic;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.vdpa.api.DevAttr;
import net.vdpa.api.DevConfig;
import net.vdpa.api.MacAddress;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.devlink.DevlinkPort;
import net.vdpa.api.devlink.FunctionState;
import net.vdpa.api.devlink.PortFlavour;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.device.core.DeviceTable;

/**
 * A VF or an SF of an adapter, and the vDPA management device on it ({@code pci/0000:03:00.2},
 * {@code auxiliary/smartnic.sf.1}): at most one virtio-net device, whose queue pairs are the
 * function's, on the function's port of the embedded switch. A device created without a MAC takes
 * the function's {@code hw_addr} if one was set, as mlx5 does.
 *
 * <p>Thread-safe: the device table has its own lock; the function's settings are volatile and
 * changed by its adapter under the adapter's lock.
 */
final class NicFunction implements VdpaMgmtDevice {
  /** Every feature a function's device implements. */
  static final long SUPPORTED_FEATURES = bits(VirtioNet.F_VERSION_1, VirtioNet.F_ACCESS_PLATFORM, VirtioNet.F_MAC,
      VirtioNet.F_MTU, VirtioNet.F_STATUS, VirtioNet.F_CTRL_VQ, VirtioNet.F_CTRL_RX, VirtioNet.F_CTRL_MAC_ADDR,
      VirtioNet.F_MQ, VirtioNet.F_MRG_RXBUF, VirtioNet.F_EVENT_IDX, VirtioNet.F_INDIRECT_DESC,
      VirtioNet.F_RING_PACKED, VirtioNet.F_RSS, VirtioNet.F_HASH_REPORT);
  /** What a function offers by default only when its device has several queue pairs: RSS and its hash report. */
  static final long MULTIQUEUE_FEATURES = bits(VirtioNet.F_RSS, VirtioNet.F_HASH_REPORT);
  /** A function's MTU unless the device is given one. */
  static final int DEFAULT_MTU = 1500;

  private final PortFlavour flavour;
  private final int number;
  private final int portIndex;
  private final String handle;
  private final int queuePairs;
  private final ESwitch eswitch;
  private final SwitchPort port;
  private final EventLog log;
  private final DeviceTable<FunctionDevice> table;
  private volatile MacAddress hwAddr = new MacAddress(0);
  private volatile FunctionState state;
  /** The link its device reports: the uplinks' ({@link Adapter#followUplinks}). Guarded by this. */
  private boolean linkUp = true;
  /** Withdraws the management device service; null while it is not registered. Adapter's lock. */
  private Runnable withdraw;

  /**
   * A function with no device, its port added to the switch.
   *
   * @param flavour PCIVF or PCISF
   * @param number the VF or SF number
   * @param portIndex its devlink port index
   * @param handle its management device handle
   * @param queuePairs its queue pairs
   * @param eswitch the adapter's switch
   * @param publisher registers its device as a service
   * @param log where log lines go
   */
  NicFunction(PortFlavour flavour, int number, int portIndex, String handle, int queuePairs, ESwitch eswitch,
      DeviceTable.Publisher publisher, EventLog log) {
    this.flavour = flavour;
    this.number = number;
    this.portIndex = portIndex;
    this.handle = handle;
    this.queuePairs = queuePairs;
    this.eswitch = eswitch;
    this.log = log;
    this.state = flavour == PortFlavour.PCISF ? FunctionState.INACTIVE : FunctionState.ACTIVE;
    this.port = eswitch.add(representor(), true);
    this.table = new DeviceTable<>(handle, publisher, log);
  }

  private static long bits(int... bits) {
    long m = 0;
    for (int b : bits) {
      m |= VirtioNet.bit(b);
    }
    return m;
  }

  PortFlavour flavour() {
    return flavour;
  }

  int number() {
    return number;
  }

  int portIndex() {
    return portIndex;
  }

  /**
   * The representor's name the function would have in switchdev mode (the name of its switch port).
   *
   * @return {@code pf0vfN} or {@code pf0sfN}
   */
  String representor() {
    return (flavour == PortFlavour.PCISF ? "pf0sf" : "pf0vf") + number;
  }

  MacAddress hwAddr() {
    return hwAddr;
  }

  void setHwAddr(MacAddress mac) {
    hwAddr = mac;
  }

  FunctionState state() {
    return state;
  }

  void setState(FunctionState s) {
    state = s;
  }

  SwitchPort port() {
    return port;
  }

  boolean registered() {
    return withdraw != null;
  }

  void registered(Runnable w) {
    withdraw = w;
  }

  /** Withdraws the management device service, if registered (the adapter's lock held). */
  void unregister() {
    Runnable w = withdraw;
    withdraw = null;
    if (w != null) {
      w.run();
    }
  }

  // ---------------------------------------------------------------- the management device

  @Override
  public String handle() {
    return handle;
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
    return 2 * queuePairs + 1;
  }

  @Override
  public Set<DevAttr> acceptedAttributes() {
    return EnumSet.allOf(DevAttr.class);
  }

  /**
   * Resolves a configuration into a spec: checks it, fills in defaults.
   *
   * @param c the configuration
   * @return the spec
   */
  FunctionSpec resolve(DevConfig c) {
    VdpaMgmtDevice.super.validate(c);
    int maxVqp = c.maxVqp() != null ? c.maxVqp() : 1;
    // RSS spreads over several pairs: it and the hash report it computes are offered by default
    // only where there are several (device_features may still ask for HASH_REPORT on one pair)
    long features = c.deviceFeatures() != null ? c.deviceFeatures()
        : maxVqp > 1 ? SUPPORTED_FEATURES : SUPPORTED_FEATURES & ~MULTIQUEUE_FEATURES;
    long needCvq = features & bits(VirtioNet.F_CTRL_RX, VirtioNet.F_CTRL_MAC_ADDR, VirtioNet.F_MQ, VirtioNet.F_RSS,
        VirtioNet.F_HASH_REPORT);
    if (needCvq != 0 && (features & VirtioNet.bit(VirtioNet.F_CTRL_VQ)) == 0) {
      throw new IllegalArgumentException("device_features 0x" + Long.toHexString(features) + ": "
          + VirtioNet.featureNames(needCvq) + " need CTRL_VQ");
    }
    if (maxVqp < 1 || maxVqp > queuePairs) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " is outside 1.." + queuePairs + " (the queue pairs of "
          + handle + ")");
    }
    if (maxVqp > 1 && (features & VirtioNet.bit(VirtioNet.F_MQ)) == 0) {
      throw new IllegalArgumentException("max_vqp " + maxVqp + " needs feature MQ, which device_features 0x"
          + Long.toHexString(features) + " lack");
    }
    List<String> there = table.claimed(); // one being added counts: a function has one device
    if (!there.isEmpty()) {
      throw new IllegalArgumentException("management device " + handle + " carries device " + there.get(0)
          + " already; a function has one vDPA device");
    }
    MacAddress mac = c.mac() != null ? c.mac() : hwAddr.value() != 0 ? hwAddr : defaultMac(c.name());
    int mtu = c.mtu() != null ? c.mtu() : DEFAULT_MTU;
    return new FunctionSpec(c.name(), handle, mac, mtu, maxVqp, features);
  }

  /**
   * The MAC a device gets when neither it nor the function has one: locally administered unicast,
   * the other five octets a hash of the name.
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

  @Override
  public void validate(DevConfig config) {
    resolve(config);
  }

  @Override
  public synchronized VdpaDevice devAdd(DevConfig config) {
    FunctionSpec spec = resolve(config);
    FunctionDevice d = new FunctionDevice(spec, eswitch, port, hwAddr.value(), log);
    d.setLink(linkUp);
    return table.add(d, FunctionDevice::plug, FunctionDevice::unplug,
        "device " + spec.name() + " created on " + handle + ": mac " + spec.mac() + " mtu " + spec.mtu()
            + " max_vqp " + spec.maxVqp());
  }

  /**
   * Sets the link the function's device reports (in its config space, with a config interrupt if
   * it changed), now and for a device added later: the uplinks' link, as a VF's in Linux's
   * {@code auto} link state.
   *
   * @param up the link state
   */
  synchronized void setLink(boolean up) {
    linkUp = up;
    for (String n : table.names()) {
      FunctionDevice d = table.find(n);
      if (d != null) {
        d.setLink(up);
      }
    }
  }

  @Override
  public void devDel(String name) {
    table.delete(name, FunctionDevice::unplug);
  }

  @Override
  public List<String> devices() {
    return table.names();
  }

  /**
   * The devices this function carries, with one still being added (already on the bus).
   *
   * @return their names
   */
  List<String> claimed() {
    return table.claimed();
  }

  /**
   * A device on this function.
   *
   * @param name its name
   * @return the device, or null
   */
  FunctionDevice find(String name) {
    return table.find(name);
  }

  /**
   * What the function carried: its device's queues (none without a device) and the switch's drops
   * at its port (frames the switch could not deliver to it; frames the spoof check refused, which
   * the device also counts as transmit drops).
   *
   * @return the counters
   */
  net.vdpa.api.port.PortCounters counters() {
    List<String> names = table.names();
    FunctionDevice d = names.isEmpty() ? null : table.find(names.get(0));
    net.vdpa.api.port.PortCounters c = d != null ? d.counters() : new net.vdpa.api.port.PortCounters(0, 0, 0, 0, 0, 0);
    return new net.vdpa.api.port.PortCounters(c.rxFrames(), c.rxBytes(), c.rxDrops() + port.txDropped(), c.txFrames(),
        c.txBytes(), c.txDrops());
  }

  /**
   * The devices on some functions, for a refusal that names them.
   *
   * @param fs the functions
   * @return {@code DEVICE (HANDLE)} for each
   */
  static List<String> carrying(List<NicFunction> fs) {
    List<String> out = new java.util.ArrayList<>();
    for (NicFunction f : fs) {
      for (String d : f.claimed()) {
        out.add(d + " (" + f.handle() + ")");
      }
    }
    return out;
  }

  /** Deletes the device and refuses new ones; the port leaves the switch (the function goes away). */
  void close() {
    table.close(FunctionDevice::unplug);
    eswitch.remove(port);
  }

  /**
   * The function's devlink port.
   *
   * @param adapter the adapter's devlink name
   * @param netdev the port's netdev (its representor in switchdev mode), or null
   * @return the view
   */
  DevlinkPort view(String adapter, String netdev) {
    boolean attached = state() == FunctionState.ACTIVE;
    return new DevlinkPort(adapter, portIndex(), flavour(), netdev, number(), 0, hwAddr(),
        flavour() == PortFlavour.PCISF ? state() : null, attached, attached ? handle() : null);
  }
}
