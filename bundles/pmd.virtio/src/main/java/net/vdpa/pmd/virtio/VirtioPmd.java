package net.vdpa.pmd.virtio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.log.EventLog;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Vfio;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The poll-mode driver service: starts {@link VirtioPmdPort}s over devices bound to {@code
 * vfio_vdpa}. It holds the {@link Vfio} service dynamically, so ports live through the driver's
 * departure long enough to see their device asked back and let go.
 */
@Component(service = PollModeDriver.class, immediate = true)
public final class VirtioPmd implements PollModeDriver {
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Vfio vfio;

  @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile Logger logger;
  private final EventLog log = EventLog.of(() -> logger);

  private final List<VirtioPmdPort> ports = new CopyOnWriteArrayList<>();

  /** For DS. */
  public VirtioPmd() {}

  /** Over a given passthrough service (tests, benchmarks). */
  VirtioPmd(Vfio vfio) {
    this.vfio = vfio;
  }

  @Override
  public PmdPort start(String device, String owner) {
    Vfio v = vfio;
    if (v == null) {
      throw new IllegalStateException("the vfio_vdpa driver is not running");
    }
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("a port needs an owner");
    }
    IommuGroup g = v.groupOf(device)
        .orElseThrow(() -> new IllegalArgumentException("device " + device + " is not bound to vfio_vdpa"));
    IommuContainer c = g.container().orElse(null);
    boolean own = c == null;
    if (own) {
      c = v.openContainer(owner);
      try {
        g.setContainer(c);
      } catch (RuntimeException e) {
        c.close();
        throw e;
      }
    }
    VirtioPmdPort[] self = new VirtioPmdPort[1];
    self[0] = new VirtioPmdPort(g, c, own, device, owner, () -> {
      if (ports.remove(self[0])) {
        info("pmd port on " + device + " stopped (" + self[0].state() + ")");
      }
    });
    ports.add(self[0]);
    info("pmd port on " + device + " started by " + owner);
    return self[0];
  }

  @Override
  public List<PmdPort> ports() {
    List<PmdPort> l = new ArrayList<>(ports);
    l.sort(Comparator.comparing(PmdPort::device));
    return l;
  }

  /** Stops every port. */
  @Deactivate
  void deactivate() {
    for (VirtioPmdPort p : new ArrayList<>(ports)) {
      p.close();
    }
  }

  private void info(String line) {
    log.info(line);
  }
}
