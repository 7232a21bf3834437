package net.vdpa.shell.karaf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.blk.BlockDevice;
import net.vdpa.api.net.NetInterface;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The names a completer offers, read when the user presses Tab: devices, management devices and
 * drivers from the bus, interfaces and block devices from their class services' properties.
 * Nothing is cached, so a device added a moment ago is offered at once.
 */
final class Names {
  private Names() {}

  static Collection<String> devices(BundleContext context) {
    return fromBus(context, bus -> bus.devices().stream().map(d -> d.name).toList());
  }

  static Collection<String> mgmtdevs(BundleContext context) {
    return fromBus(context, bus -> bus.mgmtDevices().stream().map(m -> m.handle).toList());
  }

  static Collection<String> drivers(BundleContext context) {
    return fromBus(context, bus -> bus.drivers().stream().map(d -> d.name).toList());
  }

  static Collection<String> interfaces(BundleContext context) {
    return property(context, NetInterface.class, NetInterface.PROP_NAME);
  }

  static Collection<String> blockDevices(BundleContext context) {
    return property(context, BlockDevice.class, BlockDevice.PROP_NAME);
  }

  private static Collection<String> fromBus(BundleContext context, Function<VdpaBus, List<String>> read) {
    ServiceReference<VdpaBus> ref = context.getServiceReference(VdpaBus.class);
    VdpaBus bus = ref == null ? null : context.getService(ref);
    if (bus == null) {
      return List.of(); // no bus, nothing to offer: the command itself says why when it runs
    }
    try {
      return new TreeSet<>(read.apply(bus));
    } finally {
      context.ungetService(ref);
    }
  }

  private static Collection<String> property(BundleContext context, Class<?> type, String key) {
    Collection<String> out = new TreeSet<>();
    try {
      for (ServiceReference<?> ref : context.getServiceReferences(type, null)) {
        Object name = ref.getProperty(key);
        if (name != null) {
          out.add(name.toString());
        }
      }
    } catch (InvalidSyntaxException e) {
      throw new IllegalStateException("no filter given, yet: " + e.getMessage(), e);
    }
    return new ArrayList<>(out);
  }
}
