/**
 * SmartNIC adapters, simulated but shaped like mlx5: each adapter (a factory configuration) has a PF,
 * one or two uplinks, VFs ({@code sriov_numvfs}) and SFs ({@code devlink port add ... flavour pcisf}),
 * and an embedded switch between them. Each VF, and each SF once active, is a vDPA management
 * device named as Linux names it ({@code pci/0000:03:00.2}, {@code auxiliary/smartnic.sf.1}) whose
 * one virtio-net device runs on the device core and sends through the switch. In legacy mode the
 * switch is a learning bridge with an ageing FDB.
 *
 * <p>The virtio-net queue handling ({@code Frame}, {@code FrameQueue}, {@code RxQueue},
 * {@code ControlQueue}, {@code RxFilter}, {@code QueueStats}, {@code NetConfigSpace}) is the same as
 * device.simnet's: devices import only api, ring and device.core, so the two bundles each have a
 * copy until the device core grows a virtio-net part both can use.
 */
package net.vdpa.device.smartnic;
