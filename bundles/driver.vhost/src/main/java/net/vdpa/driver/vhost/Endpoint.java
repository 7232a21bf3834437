package net.vdpa.driver.vhost;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.vdpa.api.vhost.ConnectionStats;
import net.vdpa.api.vhost.SocketMode;

/**
 * The vhost-user end of one bound device: a socket it listens on ({@link VhostUserServer}) or a
 * frontend's socket it connects to ({@link VhostUserClient}). Either way connected sockets become
 * sessions through one {@link SessionRunner}, and {@link #close(String)} takes everything away
 * without waiting for anyone.
 */
sealed interface Endpoint permits VhostUserServer, VhostUserClient {
  /**
   * Starts listening or connecting.
   *
   * @throws IOException if the socket cannot be made (the message names the path)
   */
  void start() throws IOException;

  /**
   * The socket path.
   *
   * @return the path
   */
  Path path();

  /**
   * Which end of the socket the backend is.
   *
   * @return the mode
   */
  SocketMode mode();

  /**
   * The session being served.
   *
   * @return the session, or null while no frontend is connected
   */
  VhostUserSession session();

  /**
   * What the device counted for the connection being served, then for the last that ended.
   *
   * @return zero to two entries, the connected one first
   */
  List<ConnectionStats> connections();

  /**
   * Stops listening or connecting and revokes the frontend. Never waits for the frontend. Idempotent.
   *
   * @param reason why, for the log
   */
  void close(String reason);

  /**
   * The accept or connect thread (tests: it ends soon after {@link #close(String)}).
   *
   * @return the thread, or null before {@link #start()}
   */
  Thread thread();
}
