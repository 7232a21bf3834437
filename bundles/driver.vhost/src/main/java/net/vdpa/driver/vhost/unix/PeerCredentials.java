package net.vdpa.driver.vhost.unix;

/**
 * Who is at the other end of a Unix socket, as the kernel recorded it when the peer connected
 * ({@code SO_PEERCRED}): not something the peer can claim.
 *
 * @param pid the peer's process id
 * @param uid the peer's user id
 * @param gid the peer's group id
 */
public record PeerCredentials(int pid, int uid, int gid) {}
