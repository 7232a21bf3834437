/**
 * Test helpers for bundles that implement devices or drivers on the ring library: {@link
 * net.vdpa.ring.testing.MockDriver} sets up memory, IOTLBs and a driver queue so that a device's
 * datapath can be tested without a real driver (in the spirit of rust-vmm's {@code mock.rs}).
 * Allocates freely; not for production paths.
 */
@Export
@Version("0.1.0")
package net.vdpa.ring.testing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
