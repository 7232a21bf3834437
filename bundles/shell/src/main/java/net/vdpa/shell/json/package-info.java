/**
 * JSON through JSON-P for the project's tools: {@link net.vdpa.shell.json.JsonProviders} finds the
 * implementation (Eclipse Parsson) wired to a bundle, {@link net.vdpa.shell.json.JsonTrees} turns
 * maps, lists and scalars into JSON-P values. The shell and the Web Console tab both write their
 * JSON through it; neither writes JSON text by hand.
 *
 * <p>Not exported (implementations export nothing): the Web Console's bundle carries its own copy
 * of these classes, taken at build time from the shell's jar ({@code -conditionalpackage} in its
 * {@code bnd.bnd}); the source is this one.
 */
package net.vdpa.shell.json;
