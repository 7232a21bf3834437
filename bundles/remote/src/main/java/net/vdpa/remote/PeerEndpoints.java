package net.vdpa.remote;

import java.io.IOException;
import java.net.URI;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import net.vdpa.api.remote.VdpaRuntime;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The static discovery list: one factory configuration of Aries RSA's config discovery ({@code
 * org.apache.aries.rsa.discovery.config}) per peer, each an endpoint description of that peer's
 * {@link VdpaRuntime} over Aries' TCP provider. The topology manager imports them as soon as a
 * bundle looks for {@link VdpaRuntime}. Only the configurations this class wrote (marked {@link
 * #MARK}) are ever changed or deleted.
 */
final class PeerEndpoints {
  static final String FACTORY_PID = "org.apache.aries.rsa.discovery.config";
  static final String MARK = "vdpa.remote.peer";
  private static final String API_VERSION = "1.0.0";

  private final ConfigurationAdmin cm;

  PeerEndpoints(ConfigurationAdmin cm) {
    this.cm = cm;
  }

  /** Makes the configurations match the peers: missing ones are created, others deleted. */
  void sync(List<URI> peers, long timeoutMs) throws IOException {
    Set<String> wanted = new HashSet<>();
    for (URI u : peers) {
      wanted.add(u.toString());
    }
    for (Configuration c : ours()) {
      Object id = c.getProperties() == null ? null : c.getProperties().get("endpoint.id");
      Object timeout = c.getProperties() == null ? null : c.getProperties().get("osgi.basic.timeout");
      if (!wanted.remove(String.valueOf(id)) || !String.valueOf(timeoutMs).equals(String.valueOf(timeout))) {
        c.delete();
      }
    }
    for (String id : wanted) {
      cm.createFactoryConfiguration(FACTORY_PID, "?").update(endpoint(id, timeoutMs));
    }
  }

  /** The endpoint description of a peer's facade, as config discovery reads it. */
  static Dictionary<String, Object> endpoint(String id, long timeoutMs) {
    Dictionary<String, Object> p = new Hashtable<>();
    p.put("endpoint.id", id);
    p.put("service.imported.configs", "aries.tcp");
    p.put("objectClass", new String[] {VdpaRuntime.class.getName()});
    p.put("endpoint.package.version." + VdpaRuntime.class.getPackageName(), API_VERSION);
    p.put("osgi.basic.timeout", String.valueOf(timeoutMs));
    p.put(MARK, Boolean.TRUE);
    return p;
  }

  private Configuration[] ours() throws IOException {
    try {
      Configuration[] found = cm.listConfigurations("(&(service.factoryPid=" + FACTORY_PID + ")(" + MARK + "=true))");
      return found == null ? new Configuration[0] : found;
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("the peer filter is malformed", e);
    }
  }
}
