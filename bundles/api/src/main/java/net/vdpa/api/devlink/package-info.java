/**
 * devlink for adapters with an embedded switch (a SmartNIC): what Linux's {@code devlink} shows and
 * changes, in Java. A device bundle offers one {@link net.vdpa.api.devlink.Devlink} service for all
 * its adapters; each adapter is a devlink device named by its bus and address
 * ({@code pci/0000:03:00.0}), with ports (uplinks, VFs, SFs) numbered as the kernel numbers them. The
 * shell's {@code devlink:} commands work on every such service alike. Changes are kept by the
 * provider and come back after a restart. In switchdev mode, rules on the representors
 * ({@link net.vdpa.api.devlink.FlowRule}, tc flower's words) carry frames function to function;
 * rules are not kept, as tc's are not.
 */
@Export
@Version("1.2.0")
package net.vdpa.api.devlink;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
