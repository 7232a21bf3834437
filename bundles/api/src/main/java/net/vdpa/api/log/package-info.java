/**
 * The one logging helper every vDPA bundle uses: {@link net.vdpa.api.log.EventLog}, one line per
 * event that matters, to the OSGi Log Service when it is present and nowhere when it is not.
 */
@Export
@Version("1.0.0")
package net.vdpa.api.log;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
