/**
 * Snapshots of the bus state as OSGi DTOs: plain public fields, no behaviour, safe to hand to the
 * shell, to JSON and to other bundles.
 */
@Export
@Version("1.1.0")
package net.vdpa.api.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
