/**
 * Test support, not a production bundle: {@link net.vdpa.testkit.devices.SimNetFixture} and {@link
 * net.vdpa.testkit.devices.SimBlkFixture} create real simulated devices ({@code vdpasim_net},
 * {@code vdpasim_blk}) outside a framework for driver unit tests.
 */
package net.vdpa.testkit.devices;
