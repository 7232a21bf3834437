/**
 * Test support, not a production bundle: {@link net.vdpa.testkit.VdpaDeviceContract}, the abstract
 * JUnit 5 suite every {@link net.vdpa.api.VdpaDevice} implementation runs from its own tests.
 */
package net.vdpa.testkit;
