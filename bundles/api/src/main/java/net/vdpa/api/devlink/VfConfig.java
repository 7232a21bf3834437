package net.vdpa.api.devlink;

import net.vdpa.api.MacAddress;

/**
 * What a PF sets on one of its VFs, as {@code ip link set PF vf N ...} does and
 * {@code ip link show PF} lists it.
 *
 * @param vf the VF number
 * @param mac the VF's MAC address (00:00:00:00:00:00 if none was set)
 * @param vlan the port VLAN, 0 for none: the VF's frames are untagged in that VLAN
 * @param spoofCheck whether frames whose source is not the VF's address are dropped
 * @param trust whether the VF may change an address set for it
 */
public record VfConfig(int vf, MacAddress mac, int vlan, boolean spoofCheck, boolean trust) {}
