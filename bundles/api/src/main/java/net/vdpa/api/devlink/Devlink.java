package net.vdpa.api.devlink;

import java.util.List;
import java.util.Optional;
import net.vdpa.api.MacAddress;
import net.vdpa.api.port.PortCounters;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The devlink face of the adapters one device bundle runs. Every change is checked first and made
 * whole or not at all: a refused change throws {@link IllegalArgumentException} (a bad value: the
 * message names it and the allowed range) or {@link IllegalStateException} (not now: the message
 * names what stands in the way, such as a vDPA device on the function), and changes nothing. Every
 * change is kept and comes back after a restart.
 */
@ProviderType
public interface Devlink {
  /**
   * The adapters.
   *
   * @return devlink devices, by name
   */
  List<DevlinkDev> devices();

  /**
   * Whether an adapter of this name is here.
   *
   * @param dev the devlink name
   * @return true if this service has it
   */
  boolean owns(String dev);

  /**
   * The ports of the adapters.
   *
   * @return ports, by device and index
   */
  List<DevlinkPort> ports();

  /**
   * Sets the eswitch mode.
   *
   * @param dev the devlink device
   * @param mode the new mode
   */
  void setEswitchMode(String dev, EswitchMode mode);

  /**
   * Sets the number of VFs ({@code sriov_numvfs}); lowering it deletes the VFs above it, which
   * must carry no vDPA device.
   *
   * @param dev the devlink device
   * @param numVfs 0 to the adapter's total
   */
  void setNumVfs(String dev, int numVfs);

  /**
   * Adds an SF port ({@code devlink port add DEV flavour pcisf pfnum 0 sfnum N}); the SF is
   * inactive until its function is set active.
   *
   * @param dev the devlink device
   * @param pfnum the PF number (0)
   * @param sfnum the SF number, unique on the adapter
   * @return the new port
   */
  DevlinkPort addSf(String dev, int pfnum, int sfnum);

  /**
   * Deletes an SF port; its function must carry no vDPA device.
   *
   * @param port the port's name ({@code DEV/INDEX})
   */
  void delPort(String port);

  /**
   * The VFs' settings ({@code ip link show PF}).
   *
   * @param dev the devlink device
   * @return one per enabled VF, by number
   */
  List<VfConfig> vfs(String dev);

  /**
   * What a VF carried ({@code ip -s link show PF}), from the VF's side: received is what the switch
   * delivered to it (dropped: what it could not, the VF having no device or no room), transmitted
   * what it sent into the switch (dropped: refused by the spoof check or delivered nowhere).
   *
   * @param dev the devlink device
   * @param vf the VF number
   * @return its counters since its device was created (drops since the VF was enabled)
   */
  net.vdpa.api.port.PortCounters vfCounters(String dev, int vf);

  /**
   * Sets what a PF sets on a VF ({@code ip link set PF vf N [mac MAC] [vlan V] [spoofchk on|off]
   * [trust on|off]}); null leaves a setting.
   *
   * @param dev the devlink device
   * @param vf the VF number
   * @param mac the VF's MAC address, or null
   * @param vlan the port VLAN, 0 (none) to 4094, or null
   * @param spoofCheck the spoof check, or null
   * @param trust the trust, or null
   */
  void setVf(String dev, int vf, MacAddress mac, Integer vlan, Boolean spoofCheck, Boolean trust);

  /**
   * Sets a function's MAC address and state ({@code devlink port function set}); either may be
   * null to leave it.
   *
   * @param port the port's name
   * @param hwAddr the new MAC address, or null
   * @param state the new state, or null
   * @return the port after the change
   */
  DevlinkPort setFunction(String port, MacAddress hwAddr, FunctionState state);

  /**
   * Adds a rule on a representor's ingress ({@code tc filter add dev REP ingress ...}), in switchdev
   * mode.
   *
   * @param representor the representor, such as {@code pf0vf0}
   * @param rule the rule; the representors its actions name must exist
   * @throws IllegalArgumentException if the representor or one its actions name is not one of this
   *     provider's, or the priority is taken
   */
  void addRule(String representor, FlowRule rule);

  /**
   * Deletes a rule ({@code tc filter del dev REP ingress prio N}).
   *
   * @param representor the representor
   * @param prio the rule's priority
   * @throws IllegalArgumentException if there is no such representor or rule
   */
  void deleteRule(String representor, int prio);

  /**
   * A representor's rules with their counters, by priority ({@code tc -s filter show dev REP ingress}).
   *
   * @param representor the representor
   * @return the rules
   * @throws IllegalArgumentException if there is no such representor
   */
  List<FlowRuleStats> rules(String representor);

  /**
   * Whether this provider has the representor (a caller with several providers picks by it).
   *
   * @param representor a representor's name
   * @return true if it is one of this provider's
   */
  boolean hasRepresentor(String representor);

  /**
   * What a port carried ({@code devlink -s port show}), in the kernel's names: for a physical port
   * its uplink's wire (received from the wire into the switch, transmitted out of the switch onto
   * it, as {@code vdpa:port stats} counts it); for a VF or SF port its function's, from the
   * function's side (received: what the switch delivered to it, dropped: what it could not take;
   * transmitted: what it sent into the switch, dropped: refused by the spoof check or delivered
   * nowhere).
   *
   * @param port the port's name ({@code DEV/INDEX})
   * @return its counters since the adapter appeared (a function's since its device was created)
   * @throws IllegalArgumentException if there is no such port
   * @since 1.2
   */
  PortCounters counters(String port);

  /**
   * What a port's representor carried, in switchdev mode (the representor is the port's
   * {@code netdev}: a function's {@code pf0vfN} or {@code pf0sfN}, or for a physical port the
   * uplink representor, the PF's netdev): received is what the switch's slow path handed it,
   * transmitted what was sent on it into the function or out of the uplink.
   *
   * @param port the port's name ({@code DEV/INDEX})
   * @return its counters since the representor appeared, or empty in legacy mode
   * @throws IllegalArgumentException if there is no such port
   * @since 1.2
   */
  Optional<PortCounters> representorCounters(String port);

  /**
   * Whether an adapter's PF netdev has carrier ({@code ip link show PF}): its first uplink's link
   * is up and the uplink is plugged into a wire (a cable or a capture).
   *
   * @param dev the devlink device
   * @return true if it has carrier
   * @throws IllegalArgumentException if there is no such device
   * @since 1.2
   */
  boolean carrier(String dev);
}
