package net.vdpa.remote;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metatype of configuration {@code net.vdpa.remote} (what the Web Console and Karaf's {@code
 * config:} commands offer). {@link RemoteSettings} reads and checks the values; an attribute left
 * out falls back to the {@code -Dvdpa.remote.KEY} framework property, then to the default.
 */
@ObjectClassDefinition(name = "vDPA remote management",
    description = "Whether this runtime exports its management facade through OSGi Remote Services (Aries RSA TCP) and "
        + "how it finds the other runtimes: a static endpoint list or a ZooKeeper server. Off while export, peers and "
        + "zookeeper are all unset.")
@interface RemoteConfig {
  /** Whether the facade is exported. */
  @AttributeDefinition(name = "Export", description = "Export this runtime's facade (no authentication, no encryption: "
      + "see README 'What the transport does not protect').")
  boolean export() default false;

  /** The name the other runtimes know this one by. */
  @AttributeDefinition(name = "Host name", required = false, description = "The name other runtimes use (dev add ... "
      + "host NAME); the machine's name when empty.")
  String host();

  /** The address the export listens on and writes into the endpoint. */
  @AttributeDefinition(name = "Address", description = "The address the export listens on, and writes into the endpoint "
      + "the others connect to.")
  String address() default "127.0.0.1";

  /** The export's TCP port. */
  @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "The export's TCP port, 0 for any free one.")
  int port() default 0;

  /** The static list of peers. */
  @AttributeDefinition(name = "Peers", required = false, description = "The other runtimes' endpoints, tcp://ADDRESS:PORT, "
      + "comma-separated (static discovery; not with zookeeper).")
  String peers();

  /** How long one call on another runtime may take. */
  @AttributeDefinition(name = "Call timeout (ms)", min = "100", max = "600000", description = "How long a command waits "
      + "for another runtime.")
  long timeout() default 3000;

  /** The ZooKeeper server. */
  @AttributeDefinition(name = "ZooKeeper", required = false, description = "HOST:PORT of the ZooKeeper server whose "
      + "registry discovery uses (not with peers).")
  String zookeeper();

  /** The ZooKeeper session timeout. */
  @AttributeDefinition(name = "ZooKeeper session timeout (ms)", min = "1000", max = "600000", description = "How long "
      + "after a runtime dies the others still list it; the server clamps it to 2..20 of its ticks.")
  long zookeeper_timeout() default 6000;
}
