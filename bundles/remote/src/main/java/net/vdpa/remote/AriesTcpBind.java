package net.vdpa.remote;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.remoteserviceadmin.EndpointDescription;
import org.osgi.service.remoteserviceadmin.ExportReference;
import org.osgi.service.remoteserviceadmin.RemoteServiceAdminEvent;
import org.osgi.service.remoteserviceadmin.RemoteServiceAdminListener;

/**
 * Makes Aries RSA's TCP provider listen only on the address it advertises ({@code aries.rsa.hostname},
 * which {@link RemoteRuntimeComponent} sets to the configured {@code address}, 127.0.0.1 by default).
 *
 * <p>Aries RSA 1.14's TCP server ignores the hostname it is given and listens on every interface
 * (fixed upstream only by ARIES-2192, in no release this project resolves). This weaving hook, the
 * OSGi core's way to change a class as its bundle defines it, rewrites that one class,
 * {@code org.apache.aries.rsa.provider.tcp.TCPServer} of bundle {@code org.apache.aries.rsa.provider.tcp},
 * through {@link TcpServerBind}. The class is loaded at the first TCP export, so the hook must be
 * registered before anything is exported: {@link RemoteRuntimeComponent} references this component,
 * which registers it before the facade carrying the export exists. The component registers itself
 * as the hook (and as a {@link RemoteServiceAdminListener}) with the framework directly, not as a DS
 * service: the framework asks every weaving hook about every class it defines, and a DS service
 * created on first use would be asked about its own classes while being created (Felix reports
 * "ServiceFactory.getService() resulted in a cycle").
 *
 * <p>It fails safe, and says so once through the Log Service: if the class is not the one expected, it
 * is loaded unchanged. If it was loaded before this hook existed (another bundle exported first, or
 * this bundle was restarted after an export), the hook never sees it; at the first TCP export it hears
 * of (as a {@link RemoteServiceAdminListener}) it looks at the loaded class, and reports it unless an
 * earlier hook bound it ({@link TcpServerBind#isBound}). Either way an unchanged class listens on
 * every interface, as without this bundle.
 */
@Component(service = AriesTcpBind.class, immediate = true)
public final class AriesTcpBind implements WeavingHook, RemoteServiceAdminListener {
  static final String BUNDLE = "org.apache.aries.rsa.provider.tcp";
  static final String CLASS = "org.apache.aries.rsa.provider.tcp.TCPServer";
  private static final String TCP_CONFIG = "aries.tcp";

  /** What became of the TCP server class this hook saw defined last (a refreshed Aries bundle defines it again). */
  enum Outcome { NOT_SEEN, BOUND, LEFT_UNCHANGED }

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger log;

  private final AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.NOT_SEEN);
  /** This object as the framework's weaving hook and RSA's listener, from activation to deactivation. */
  private ServiceRegistration<?> hook;
  /** Where to find a TCP server class loaded before the hook; set once at activation. */
  private volatile BundleContext context;

  /** Registers the hook. */
  @Activate
  void activate(BundleContext context) {
    this.context = context;
    hook = context.registerService(new String[] {WeavingHook.class.getName(), RemoteServiceAdminListener.class.getName()},
        this, null);
  }

  /** Withdraws the hook; a TCP server class it bound stays bound until Aries' bundle is refreshed. */
  @Deactivate
  void deactivate() {
    hook.unregister();
  }

  /** Rewrites Aries' TCP server as its bundle defines it; every other class passes untouched. */
  @Override
  public void weave(WovenClass woven) {
    if (!CLASS.equals(woven.getClassName()) || !BUNDLE.equals(woven.getBundleWiring().getBundle().getSymbolicName())) {
      return;
    }
    Optional<byte[]> bound;
    String why;
    try {
      bound = TcpServerBind.rewrite(woven.getBytes());
      why = "its constructor is not the one of Aries RSA 1.14 with one new ServerSocket(port)";
    } catch (RuntimeException unreadable) { // a class file this ASM cannot read: load it as it is
      bound = Optional.empty();
      why = "its bytes could not be read (" + unreadable + ")";
    }
    if (bound.isPresent()) {
      woven.setBytes(bound.get());
      outcome.set(Outcome.BOUND);
    } else if (outcome.getAndSet(Outcome.LEFT_UNCHANGED) != Outcome.LEFT_UNCHANGED) {
      warn("remote management: {} {} left unchanged, {}: a TCP export listens on every interface, not only on its address",
          CLASS, woven.getBundleWiring().getBundle().getVersion(), why);
    }
  }

  /** Reports a TCP export whose server this hook never saw, which therefore listens on every interface. */
  @Override
  public void remoteAdminEvent(RemoteServiceAdminEvent event) {
    if (event.getType() != RemoteServiceAdminEvent.EXPORT_REGISTRATION) {
      return;
    }
    ExportReference export = event.getExportReference();
    EndpointDescription endpoint = export == null ? null : export.getExportedEndpoint();
    if (endpoint == null || !endpoint.getConfigurationTypes().contains(TCP_CONFIG) || outcome.get() != Outcome.NOT_SEEN) {
      return;
    }
    if (loadedServerIsBound()) {
      outcome.compareAndSet(Outcome.NOT_SEEN, Outcome.BOUND);
    } else if (outcome.compareAndSet(Outcome.NOT_SEEN, Outcome.LEFT_UNCHANGED)) {
      warn("remote management: export {} listens on every interface, not only on its address: {} was loaded before"
          + " this bundle's weaving hook existed (start {} before any bundle that exports through it)", endpoint.getId(), CLASS,
          context.getBundle().getSymbolicName());
    }
  }

  /** Whether Aries' TCP server class, loaded by the time of an export, is one a hook rewrote. */
  private boolean loadedServerIsBound() {
    for (Bundle b : context.getBundles()) {
      if (BUNDLE.equals(b.getSymbolicName())) {
        try {
          return TcpServerBind.isBound(b.loadClass(CLASS));
        } catch (ClassNotFoundException | RuntimeException unloadable) { // cannot tell: report what an unchanged class does
          return false;
        }
      }
    }
    return false;
  }

  /** What became of the TCP server class so far. */
  Outcome outcome() {
    return outcome.get();
  }

  private void warn(String format, Object... args) {
    Logger l = log;
    if (l != null) {
      l.warn(format, args);
    }
  }
}
