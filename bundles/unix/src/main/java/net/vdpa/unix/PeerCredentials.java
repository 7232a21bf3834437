package net.vdpa.unix;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who is at the other end of a Unix socket, as the kernel recorded it when the peer connected
 * ({@code SO_PEERCRED}): not something the peer can claim.
 *
 * @param pid the peer's process id
 * @param uid the peer's user id
 * @param gid the peer's group id
 */
@ProviderType
public record PeerCredentials(int pid, int uid, int gid) {}
