package net.vdpa.shell;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Vfio;
import net.vdpa.api.pmd.PmdPort;
import net.vdpa.api.pmd.PollModeDriver;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code pt} command scope: the passthrough driver's groups, bound devices and their owners,
 * containers and their mappings, IOMMU faults; poll-mode ports opened and closed from the shell,
 * their counters, and a traffic check through them.
 */
@Component(service = PtCommands.class, property = {"osgi.command.scope=pt", "osgi.command.function=groups",
    "osgi.command.function=handles", "osgi.command.function=mappings", "osgi.command.function=faults",
    "osgi.command.function=open", "osgi.command.function=close", "osgi.command.function=stats",
    "osgi.command.function=traffic"})
public final class PtCommands {
  /** The owner the shell's ports are opened with. */
  static final String OWNER = "shell";
  private final BundleContext context;

  /** Creates the commands. */
  @Activate
  public PtCommands(BundleContext context) {
    this.context = context;
  }

  @Descriptor("list the iommu groups of the devices bound to vfio_vdpa: members, viability, container")
  public String groups() {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        List<PtFormat.GroupLine> l = new ArrayList<>();
        for (IommuGroup g : vfio(held).groups()) {
          l.add(PtFormat.line(g));
        }
        return PtFormat.groups(l);
      }
    });
  }

  @Descriptor("list the devices bound to vfio_vdpa: group, owner, ignored and refused register accesses")
  public String handles() {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        return PtFormat.handles(vfio(held).handles());
      }
    });
  }

  @Descriptor("list the open iommu containers and their dma mappings")
  public String mappings() {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        List<PtFormat.ContainerLine> l = new ArrayList<>();
        for (IommuContainer c : vfio(held).containers()) {
          l.add(PtFormat.line(c));
        }
        return PtFormat.mappings(l);
      }
    });
  }

  @Descriptor("list the iommu faults recorded (device accesses outside the container's mappings)")
  public String faults() {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        return PtFormat.faults(vfio(held).faults());
      }
    });
  }

  @Descriptor("open a device bound to vfio_vdpa with the poll-mode driver: map its packet memory, bring it up")
  public String open(@Descriptor("device name, e.g. vdpa0") String device) {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        return PtFormat.port(pmd(held).start(device, OWNER));
      }
    });
  }

  @Descriptor("close the poll-mode port of a device: reset it, unmap, release the handle")
  public String close(@Descriptor("device name, e.g. vdpa0") String device) {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        PmdPort p = port(pmd(held), device);
        p.close();
        return device + ": pmd port closed";
      }
    });
  }

  @Descriptor("counters of a device's poll-mode port")
  public String stats(@Descriptor("device name, e.g. vdpa0") String device) {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        return PtFormat.stats(device, port(pmd(held), device).stats());
      }
    });
  }

  @Descriptor("send numbered frames through poll-mode ports and check each that comes back: "
      + "[count N] [size BYTES] [burst FRAMES] FROM [TO]")
  public String traffic(CommandSession session,
      @Descriptor("[count N] [size BYTES] [burst FRAMES] FROM [TO]") String... argv) {
    return ShellError.guard(() -> {
      try (HeldServices held = new HeldServices(context)) {
        return PtTrafficJob.run(pmd(held), session, argv);
      }
    });
  }

  static PmdPort port(PollModeDriver pmd, String device) {
    for (PmdPort p : pmd.ports()) {
      if (p.device().equals(device)) {
        return p;
      }
    }
    throw new IllegalArgumentException("device " + device + " has no open pmd port (pt:open " + device + ")");
  }

  private static Vfio vfio(HeldServices held) {
    held.settledBus();
    List<Vfio> l = held.all(Vfio.class, null);
    if (l.isEmpty()) {
      throw new IllegalStateException("the vfio_vdpa driver is not running");
    }
    return l.get(0);
  }

  private static PollModeDriver pmd(HeldServices held) {
    held.settledBus();
    List<PollModeDriver> l = held.all(PollModeDriver.class, null);
    if (l.isEmpty()) {
      throw new IllegalStateException("the poll-mode driver (net.vdpa.pmd.virtio) is not running");
    }
    return l.get(0);
  }
}
