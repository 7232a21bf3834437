/**
 * Snapshots of the bus state as OSGi DTOs: plain public fields, no behaviour, safe to hand to the
 * shell, to JSON and to other bundles. Enum fields ({@code DeviceDTO.State}, {@code Placement},
 * {@code Stay}) are DTO types by {@code org.osgi.dto.DTO}'s rules (public fields of primitives, their
 * wrappers, {@code String}, enums, {@code Version} and DTOs).
 *
 * <p>2.0.0: {@code DeviceDTO.state} is the enum {@code DeviceDTO.State} instead of a string (the
 * string constants {@code BOUND}, {@code UNBOUND}, {@code PROBING}, {@code REMOVING} are gone), and
 * a device not matched yet is {@code NEW} instead of unbound with a reason: a consumer compiled
 * against 1.x reads a field whose type changed, so this is a major version.
 */
@Export
@Version("2.1.0")
package net.vdpa.api.dto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
