package net.vdpa.shell;

import java.util.concurrent.ExecutorService;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@code vdpa:cable udp HOST/PORT ADDR HOST/PORT ADDR}: one UDP cable between ports of two
 * runtimes (either may be this one), through their {@code VdpaRuntime} facades. Each end receives
 * on its {@code ADDR} and sends to the other's. When the second end cannot be plugged in, the
 * first goes back to the loopback wire, so no half cable is left; each call is bounded by the
 * remote timeout and an error names the runtime that did not answer.
 */
@Component(service = CableCommands.class, property = {"osgi.command.scope=vdpa", "osgi.command.function=cable"})
public final class CableCommands {
  private final BundleContext context;
  private final ExecutorService calls = RemoteRuntimes.callPool();

  /** One end: which runtime, which port, where it receives. */
  record End(String host, String port, String address) {
    static End parse(String hostPort, String address) {
      int slash = hostPort.indexOf('/');
      if (slash <= 0 || slash == hostPort.length() - 1) {
        throw new IllegalArgumentException("end '" + hostPort + "' is not HOST/PORT");
      }
      return new End(hostPort.substring(0, slash), hostPort.substring(slash + 1), address);
    }

    @Override
    public String toString() {
      return host + "/" + port;
    }
  }

  /** Creates the command. */
  @Activate
  public CableCommands(BundleContext context) {
    this.context = context;
  }

  @Deactivate
  void deactivate() {
    calls.shutdownNow();
  }

  /** {@code vdpa:cable udp HOST/PORT ADDR HOST/PORT ADDR}. */
  @Descriptor("a UDP cable between ports of two runtimes: udp HOST/PORT ADDR HOST/PORT ADDR (each end receives on its "
      + "ADDR, HOST:PORT on that runtime's machine, and sends to the other's)")
  public String cable(@Descriptor("udp HOST/PORT ADDR HOST/PORT ADDR") String... argv) {
    return ShellError.guard(() -> udp(argv));
  }

  private String udp(String... argv) throws InterruptedException {
    if (argv.length != 5 || !argv[0].equals("udp")) {
      throw new IllegalArgumentException("usage: vdpa:cable udp HOST/PORT ADDR HOST/PORT ADDR");
    }
    End a = End.parse(argv[1], argv[2]);
    End b = End.parse(argv[3], argv[4]);
    try (RemoteRuntimes remote = new RemoteRuntimes(context, calls)) {
      RemoteRuntimes.Peer ra = remote.runtime(a.host());
      RemoteRuntimes.Peer rb = remote.runtime(b.host());
      String first = remote.call(ra, rt -> rt.plugUdp(a.port(), a.address(), b.address()));
      String second;
      try {
        second = remote.call(rb, rt -> rt.plugUdp(b.port(), b.address(), a.address()));
      } catch (IllegalArgumentException e) {
        try {
          remote.call(ra, rt -> rt.loopback(a.port()));
        } catch (IllegalArgumentException undo) {
          throw new IllegalArgumentException(e.getMessage() + "; " + a + " stays plugged in: " + undo.getMessage());
        }
        throw e;
      }
      return a.host() + "/" + first + "\n" + b.host() + "/" + second;
    }
  }
}
