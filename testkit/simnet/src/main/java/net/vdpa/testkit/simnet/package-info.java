/**
 * Test support, not a production bundle: {@link net.vdpa.testkit.simnet.SimNetFixture} creates real
 * simulated NICs ({@code vdpasim_net}) outside a framework for driver unit tests and benchmarks.
 */
package net.vdpa.testkit.simnet;
