/**
 * The Linux calls that Java 17 lacks and vhost-user (and later VFIO-style passthrough) needs: Unix
 * stream sockets that carry file descriptors (SCM_RIGHTS) with deadlines on every wait, peer
 * credentials, {@code poll(2)} on any descriptor, access modes and memfd seals through
 * {@code fcntl(2)}, and {@code mmap(2)} of a received descriptor. Calls go through JNA's direct
 * mapping, installed as its own bundle.
 *
 * <p>Why a bundle of its own: JNA keeps every class registered for direct mapping reachable for the
 * life of the JVM (its option cache holds the class strongly), so the class that registers must live
 * in a bundle that is not reinstalled with the drivers. Drivers import this package; reinstalling a
 * driver then loads no native code and leaves no class loader behind. Reinstalling this bundle
 * itself keeps one old copy of it alive (documented, like reinstalling JNA).
 *
 * <p>Descriptors are plain {@code int}s with one owner each; the owner closes them exactly once.
 * Linux on 64-bit processors only (the structure layouts are LP64).
 */
@Export
@Version("1.1.0")
package net.vdpa.unix;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
