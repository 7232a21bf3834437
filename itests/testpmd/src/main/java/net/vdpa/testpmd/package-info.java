/**
 * Test support: DPDK's {@code dpdk-testpmd} as a peer of the vhost-user backend, started with a
 * virtio-user (or vhost) port, driven through its interactive prompt and read back through its
 * counters. Used by the vhost unit tests, the Pax Exam suites (installed as a bundle) and the vhost
 * benchmark; never by the runtime.
 */
@Export
@Version("1.0.0")
package net.vdpa.testpmd;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
