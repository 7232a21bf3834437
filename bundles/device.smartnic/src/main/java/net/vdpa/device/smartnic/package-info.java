/**
 * SmartNIC adapters, simulated but shaped like mlx5: each adapter (a factory configuration) has a PF,
 * one or two uplinks, VFs ({@code sriov_numvfs}) and SFs ({@code devlink port add ... flavour pcisf}),
 * and an embedded switch between them. Each VF, and each SF once active, is a vDPA management
 * device named as Linux names it ({@code pci/0000:03:00.2}, {@code auxiliary/smartnic.sf.1}) whose
 * one virtio-net device runs on the device core and sends through the switch. In legacy mode the
 * switch is a learning bridge with an ageing FDB. In switchdev mode every function and every uplink
 * has a representor (an uplink's is the PF's netdev, as in mlx5): what no rule carries goes to the
 * representor of the port it came in on, and rules carry the rest port to port, the uplinks
 * included. The uplinks' link state is kept with the devlink state; what is plugged into them is
 * not. A cable to another provider has no back-pressure: {@code PortEnd#receive} tells taken from
 * dropped but not "full, try later", and the far provider has no way to wake this side's senders.
 *
 * <p>The virtio-net queue handling (frames, inboxes, receive and control queues, the receive
 * filter, counters, config space) is the device core's {@code net.vdpa.device.core.net}, shared with
 * device.simnet; this bundle adds the adapter, its functions and the switch.
 */
package net.vdpa.device.smartnic;
