package net.vdpa.remote;

import java.io.IOException;
import java.net.URI;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * ZooKeeper discovery: the configuration of Aries RSA's ZooKeeper discovery bundle ({@code
 * org.apache.aries.rsa.discovery.zookeeper}), which then publishes this runtime's exported
 * endpoints as ephemeral znodes under {@code /osgi/service_registry} and hands the others' to the
 * topology manager. Aries reads the values as strings. Only a configuration this class wrote
 * (marked {@link PeerEndpoints#MARK}) is ever changed or deleted: one a user wrote by hand wins.
 */
final class ZooKeeperDiscoveryConfig {
  static final String PID = "org.apache.aries.rsa.discovery.zookeeper";

  private final ConfigurationAdmin cm;

  ZooKeeperDiscoveryConfig(ConfigurationAdmin cm) {
    this.cm = cm;
  }

  /**
   * Points Aries' discovery at the server, or (with {@code null}) removes the configuration this
   * class wrote, which stops Aries' ZooKeeper client.
   */
  void sync(URI server, long sessionMs) throws IOException {
    Configuration existing = existing();
    if (existing != null && !Boolean.TRUE.equals(existing.getProperties().get(PeerEndpoints.MARK))) {
      return; // written by hand: not ours to change
    }
    if (server == null) {
      if (existing != null) {
        existing.delete();
      }
      return;
    }
    Dictionary<String, Object> wanted = properties(server, sessionMs);
    Configuration c = existing != null ? existing : cm.getConfiguration(PID, "?");
    if (existing == null || !same(existing.getProperties(), wanted)) {
      c.update(wanted); // Aries reconnects only when a value changed
    }
  }

  /** What Aries' ZooKeeperDiscovery reads: host, port and session timeout, all strings. */
  static Dictionary<String, Object> properties(URI server, long sessionMs) {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("zookeeper.host", server.getHost());
    p.put("zookeeper.port", String.valueOf(server.getPort()));
    p.put("zookeeper.timeout", String.valueOf(sessionMs));
    p.put(PeerEndpoints.MARK, Boolean.TRUE);
    return p;
  }

  private static boolean same(Dictionary<String, Object> have, Dictionary<String, Object> want) {
    for (String k : new String[] {"zookeeper.host", "zookeeper.port", "zookeeper.timeout"}) {
      if (!want.get(k).equals(have.get(k))) {
        return false;
      }
    }
    return true;
  }

  private Configuration existing() throws IOException {
    try {
      Configuration[] found = cm.listConfigurations("(service.pid=" + PID + ")");
      return found == null || found.length == 0 ? null : found[0];
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("the ZooKeeper configuration filter is malformed", e);
    }
  }
}
