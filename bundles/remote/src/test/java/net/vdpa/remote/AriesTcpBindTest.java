package net.vdpa.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.log.Logger;
import org.osgi.service.remoteserviceadmin.EndpointDescription;
import org.osgi.service.remoteserviceadmin.ExportReference;
import org.osgi.service.remoteserviceadmin.RemoteServiceAdminEvent;

/** The hook picks Aries' TCPServer by class and bundle, weaves it, and warns when it cannot. */
class AriesTcpBindTest {
  private final List<String> warnings = new ArrayList<>();
  private final AriesTcpBind hook = new AriesTcpBind();

  AriesTcpBindTest() throws ReflectiveOperationException {
    Logger logger = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
        (p, m, args) -> {
          if (m.getName().equals("warn")) {
            warnings.add(args[0] + " " + List.of((Object[]) args[1]));
          }
          return null;
        });
    Field log = AriesTcpBind.class.getDeclaredField("log");
    log.setAccessible(true);
    log.set(hook, logger);
  }

  @Test
  void weavesAriesTcpServerAndNothingElse() {
    Woven other = new Woven(TcpServerBindTest.PACKAGE + "TcpEndpoint", AriesTcpBind.BUNDLE,
        TcpServerBindTest.classBytes(TcpServerBindTest.PACKAGE + "TcpEndpoint"));
    Woven elsewhere = new Woven(AriesTcpBind.CLASS, "some.other.bundle", TcpServerBindTest.classBytes(AriesTcpBind.CLASS));
    hook.weave(other.proxy());
    hook.weave(elsewhere.proxy());
    assertThat(other.set).isNull();
    assertThat(elsewhere.set).isNull();
    assertThat(hook.outcome()).isEqualTo(AriesTcpBind.Outcome.NOT_SEEN);

    Woven server = new Woven(AriesTcpBind.CLASS, AriesTcpBind.BUNDLE, TcpServerBindTest.classBytes(AriesTcpBind.CLASS));
    hook.weave(server.proxy());
    assertThat(server.set).isEqualTo(TcpServerBind.rewrite(server.bytes).orElseThrow());
    assertThat(hook.outcome()).isEqualTo(AriesTcpBind.Outcome.BOUND);
    hook.remoteAdminEvent(exported("tcp://127.0.0.1:9102"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void anUnexpectedServerIsLoadedAsItIsWithOneWarning() {
    byte[] unexpected = TcpServerBind.rewrite(TcpServerBindTest.classBytes(AriesTcpBind.CLASS)).orElseThrow();
    Woven server = new Woven(AriesTcpBind.CLASS, AriesTcpBind.BUNDLE, unexpected);
    hook.weave(server.proxy());
    hook.remoteAdminEvent(exported("tcp://127.0.0.1:9102"));
    assertThat(server.set).isNull();
    assertThat(hook.outcome()).isEqualTo(AriesTcpBind.Outcome.LEFT_UNCHANGED);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("listens on every interface").contains("left unchanged");
  }

  @Test
  void anExportWhoseServerWasNeverSeenIsReportedOnce() throws Exception {
    hook.activate(context(TcpServerBindTest.load(TcpServerBindTest.classBytes(AriesTcpBind.CLASS))));
    hook.remoteAdminEvent(exported("tcp://127.0.0.1:9102"));
    hook.remoteAdminEvent(exported("tcp://127.0.0.1:9103"));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("listens on every interface").contains("tcp://127.0.0.1:9102")
        .contains("loaded before").contains("net.vdpa.remote");
  }

  @Test
  void anExportWhoseServerAnEarlierHookBoundIsNotReported() throws Exception {
    byte[] bound = TcpServerBind.rewrite(TcpServerBindTest.classBytes(AriesTcpBind.CLASS)).orElseThrow();
    hook.activate(context(TcpServerBindTest.load(bound)));
    hook.remoteAdminEvent(exported("tcp://127.0.0.1:9102"));
    assertThat(warnings).isEmpty();
    assertThat(hook.outcome()).isEqualTo(AriesTcpBind.Outcome.BOUND);
  }

  /** A framework holding Aries' TCP provider bundle, whose TCPServer class is {@code loaded}. */
  private static BundleContext context(Class<?> loaded) {
    Bundle tcp = bundle(AriesTcpBind.BUNDLE, loaded);
    Bundle self = bundle("net.vdpa.remote", null);
    return (BundleContext) Proxy.newProxyInstance(AriesTcpBindTest.class.getClassLoader(), new Class<?>[] {BundleContext.class},
        (p, m, args) -> switch (m.getName()) {
          case "getBundles" -> new Bundle[] {self, tcp};
          case "getBundle" -> self;
          default -> null;
        });
  }

  private static RemoteServiceAdminEvent exported(String id) {
    EndpointDescription endpoint = new EndpointDescription(Map.of("endpoint.id", id, "service.imported.configs", "aries.tcp",
        "objectClass", new String[] {"net.vdpa.api.remote.VdpaRuntime"}));
    ExportReference export = (ExportReference) Proxy.newProxyInstance(AriesTcpBindTest.class.getClassLoader(),
        new Class<?>[] {ExportReference.class}, (p, m, args) -> m.getName().equals("getExportedEndpoint") ? endpoint : null);
    return new RemoteServiceAdminEvent(RemoteServiceAdminEvent.EXPORT_REGISTRATION, bundle("org.apache.aries.rsa.core"),
        export, null);
  }

  private static Bundle bundle(String bsn) {
    return bundle(bsn, null);
  }

  private static Bundle bundle(String bsn, Class<?> tcpServer) {
    return (Bundle) Proxy.newProxyInstance(AriesTcpBindTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
        (p, m, args) -> switch (m.getName()) {
          case "getSymbolicName" -> bsn;
          case "getVersion" -> new Version(1, 14, 0);
          case "loadClass" -> tcpServer;
          default -> null;
        });
  }

  /** A class being defined, as the framework hands it to the hook; remembers the bytes set. */
  private static final class Woven {
    final String name;
    final String bsn;
    final byte[] bytes;
    byte[] set;

    Woven(String name, String bsn, byte[] bytes) {
      this.name = name;
      this.bsn = bsn;
      this.bytes = bytes;
    }

    WovenClass proxy() {
      BundleWiring wiring = (BundleWiring) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {BundleWiring.class}, (p, m, args) -> m.getName().equals("getBundle") ? bundle(bsn) : null);
      return (WovenClass) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {WovenClass.class},
          (p, m, args) -> switch (m.getName()) {
            case "getClassName" -> name;
            case "getBytes" -> bytes.clone();
            case "getBundleWiring" -> wiring;
            case "setBytes" -> {
              set = (byte[]) args[0];
              yield null;
            }
            default -> null;
          });
    }
  }
}
