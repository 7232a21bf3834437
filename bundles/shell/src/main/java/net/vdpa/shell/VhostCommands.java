package net.vdpa.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.vdpa.api.vhost.VhostVdpa;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code vhost} command scope: the devices bound to the vhost driver, where their vhost-user
 * socket is (what to give QEMU's {@code -chardev socket,path=} or DPDK's {@code path=}; in client
 * mode, the frontend's own socket and whether the backend is connected to it), and who holds each
 * now.
 */
@Component(service = VhostCommands.class, property = {"osgi.command.scope=vhost", "osgi.command.function=show"})
public final class VhostCommands {
  private final BundleContext context;

  /** Creates the commands. */
  @Activate
  public VhostCommands(BundleContext context) {
    this.context = context;
  }

  /** {@code vhost:show}. */
  @Descriptor("list the devices bound to vhost_vdpa: their vhost-user socket and their owner")
  public String show() {
    return ShellError.guard(() -> {
      BusSettle.beforeClassServices(context); // a listing shows devices just added, bound
      return VhostFormat.show(lines(null));
    });
  }

  /** {@code vhost:show DEV}. */
  @Descriptor("one device bound to vhost_vdpa: its vhost-user socket and its owner")
  public String show(@Descriptor("device name, e.g. vdpa0") String device) {
    return ShellError.guard(() -> {
      String unsettled = BusSettle.beforeClassServices(context);
      List<VhostFormat.Line> l = lines(device);
      if (l.isEmpty()) {
        throw new IllegalArgumentException("device " + device + " is not bound to vhost_vdpa" + unsettled);
      }
      return VhostFormat.show(l);
    });
  }

  private List<VhostFormat.Line> lines(String device) throws InvalidSyntaxException {
    List<VhostFormat.Line> lines = new ArrayList<>();
    String filter = device == null ? null : "(" + VhostVdpa.PROP_DEVICE + "=" + device + ")";
    for (ServiceReference<VhostVdpa> ref : context.getServiceReferences(VhostVdpa.class, filter)) {
      VhostVdpa v = context.getService(ref);
      if (v == null) {
        continue;
      }
      try {
        lines.add(new VhostFormat.Line(v.deviceName(), v.socketPath().toString(), v.socketMode(), v.frontendConnected(),
            v.owner().orElse(null), v.connections()));
      } finally {
        context.ungetService(ref);
      }
    }
    lines.sort(Comparator.comparing(VhostFormat.Line::device));
    return lines;
  }
}
