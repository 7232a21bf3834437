/**
 * The virtqueue library every device and driver shares: virtio 1.x split and packed rings laid out
 * byte-exact in off-heap memory, with a driver side and a device side.
 */
@Export
@Version("0.4.0")
package net.vdpa.ring;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
