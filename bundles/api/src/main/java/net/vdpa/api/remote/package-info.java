/**
 * One runtime managed from another through OSGi Remote Services.
 *
 * <p>{@link VdpaRuntime} is the facade a runtime exports (with the standard {@code
 * service.exported.interfaces} property, carried by Aries RSA's TCP provider) and that the other
 * runtimes import. Its arguments and results travel by Java serialisation, so the package holds
 * only value records ({@link RuntimeDevice}, {@link RuntimeEvent}, {@link net.vdpa.api.DevConfig}) and no
 * callbacks (a runtime's events are read by long polls, {@link VdpaRuntime#events}): the
 * in-JVM services of the bus ({@code VdpaBus}, {@code VdpaMgmtDevice}) stay local. Every record is
 * rebuilt through its validating constructor when it is received.
 *
 * <p>An imported facade carries {@code service.imported}; the local one does not. A call on an
 * imported facade may fail with any runtime exception when the peer is gone; callers bound their
 * wait themselves (the shell does, see README "Several runtimes").
 */
@Export
@Version("1.2.0")
package net.vdpa.api.remote;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
