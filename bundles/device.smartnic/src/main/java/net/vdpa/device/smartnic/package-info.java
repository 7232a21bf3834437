/**
 * SmartNIC adapters, simulated but shaped like mlx5: each adapter (a factory configuration) has a PF,
 * one or two uplinks, VFs ({@code sriov_numvfs}) and SFs ({@code devlink port add ... flavour pcisf}),
 * and an embedded switch between them. Each VF, and each SF once active, is a vDPA management
 * device named as Linux names it ({@code pci/0000:03:00.2}, {@code auxiliary/smartnic.sf.1}) whose
 * one virtio-net device runs on the device core and sends through the switch. In legacy mode the
 * switch is a learning bridge with an ageing FDB.
 *
 * <p>The virtio-net queue handling (frames, inboxes, receive and control queues, the receive
 * filter, counters, config space) is the device core's {@code net.vdpa.device.core.net}, shared with
 * device.simnet; this bundle adds the adapter, its functions and the switch.
 */
package net.vdpa.device.smartnic;
