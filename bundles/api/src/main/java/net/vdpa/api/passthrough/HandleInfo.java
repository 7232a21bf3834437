package net.vdpa.api.passthrough;

/**
 * A device bound to the passthrough driver, as listings show it.
 *
 * @param device the device name
 * @param group its group id
 * @param owner who holds it open, or null if nobody does
 * @param badAccesses register accesses ignored for a bad offset or width
 * @param refusedWrites register writes the device refused
 */
public record HandleInfo(String device, int group, String owner, long badAccesses, long refusedWrites) {}
