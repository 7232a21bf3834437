/**
 * Test support, not a production bundle: {@link net.vdpa.testkit.passthrough.PassthroughFixture}
 * runs the real {@code vfio_vdpa} driver outside a framework and hands it out only as the API's
 * {@link net.vdpa.api.VdpaDriver} and {@link net.vdpa.api.passthrough.Vfio}, for tests of the
 * passthrough class's users (the poll-mode driver).
 */
package net.vdpa.testkit.passthrough;
