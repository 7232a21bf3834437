/**
 * What a driver needs besides the ring itself: memory of its own to lay rings and buffers out in
 * ({@link net.vdpa.ring.driver.DriverMemory}), rings carved from it
 * ({@link net.vdpa.ring.driver.DriverRing}), and a queue that carries one request at a time and
 * waits for the device's status byte ({@link net.vdpa.ring.driver.CommandQueue}, as a virtio-net
 * control queue works).
 *
 * <p>Used by every driver that speaks to a device through rings in its own memory: the virtio-net
 * driver, and the vhost backend's shadow control queue. Not for the hot path: these types are set
 * up once and a command waits.
 */
@Export
@Version("1.0.0")
package net.vdpa.ring.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
