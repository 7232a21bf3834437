/**
 * JSON through JSON-P for the project's tools: {@link net.vdpa.shell.json.JsonProviders} finds the
 * implementation (Eclipse Parsson) wired to a bundle, {@link net.vdpa.shell.json.JsonTrees} turns
 * maps, lists and scalars into JSON-P values. The shell and the Web Console tab both write their
 * JSON through it; neither writes JSON text by hand.
 */
@Export
@Version("1.0.0")
package net.vdpa.shell.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
