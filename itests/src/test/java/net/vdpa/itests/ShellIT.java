package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.dto.DeviceDTO;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The {@code vdpa} commands as a user types them, through Gogo's command processor: refused adds
 * and sets answer at once with the management device's reason and keep nothing (no ghost, the
 * running device intact, no stack trace in the log), and the commands keep answering when the bus
 * bundle is stopped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellIT extends BusTestSupport {
  /** Log entries that carry an exception: a user error must never produce one. */
  private final List<String> traces = new CopyOnWriteArrayList<>();
  /** Every log message, to show the listener hears the project's lines. */
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LogListener listener = this::logged;
  private LogReaderService logReader;
  private CommandSession session;
  /** What commands printed beside their results (progress, a failed show's JSON section). */
  private final ByteArrayOutputStream sessionOut = new ByteArrayOutputStream();

  @Override
  protected Option[] extraOptions() {
    return new Option[] {mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
        // Gogo's help, which lists each command's options from their @Parameter annotations
        mavenBundle("org.apache.felix", "org.apache.felix.gogo.command").versionAsInProject(),
        reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"), reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"),
        reactorBundle("vdpa.bundle.config"), reactorBundle("vdpa.bundle.shell"),
        mavenBundle("jakarta.json", "jakarta.json-api").versionAsInProject(),
        mavenBundle("org.eclipse.parsson", "parsson").versionAsInProject()};
  }

  private void logged(LogEntry e) {
    lines.add(e.getMessage());
    if (e.getException() != null) {
      traces.add(e.getBundle().getSymbolicName() + ": " + e.getMessage() + ": " + e.getException());
    }
  }

  @Before
  public void openSession() throws Exception {
    // the Log Service drops info lines by default (its root level is WARN): hear them all
    LoggerContext root = service(LoggerAdmin.class).getLoggerContext(null);
    root.setLogLevels(Map.of(Logger.ROOT_LOGGER_NAME, LogLevel.INFO));
    logReader = service(LogReaderService.class);
    logReader.addLogListener(listener);
    CommandProcessor processor = service(CommandProcessor.class);
    session = processor.createSession(new ByteArrayInputStream(new byte[0]),
        new PrintStream(sessionOut, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    await("the vdpa commands", () -> {
      try {
        session.execute("vdpa:mgmtdev show");
        return true;
      } catch (Exception notYet) {
        return false;
      }
    });
    service(VdpaMgmtDevice.class);
  }

  @After
  public void closeSession() {
    session.close();
    logReader.removeLogListener(listener);
  }


  private String run(String command) throws Exception {
    Object r = session.execute(command);
    return r == null ? "" : r.toString();
  }

  /** Runs a command that must fail; returns its one-line message and how long it took. */
  private String refused(String command, long withinMillis) {
    long start = System.nanoTime();
    try {
      Object r = session.execute(command);
      fail(command + " was not refused: " + r);
      return null;
    } catch (Exception e) {
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(command + " took " + took + " ms", took < withinMillis);
      String text = e.toString();
      assertEquals("one line: " + text, -1, text.indexOf('\n'));
      return text;
    }
  }

  private List<String> keptNames() throws Exception {
    org.osgi.service.cm.Configuration[] all = configAdmin.listConfigurations("(service.factoryPid=" + VdpaDeviceStore.FACTORY_PID + ")");
    List<String> names = new CopyOnWriteArrayList<>();
    if (all != null) {
      for (org.osgi.service.cm.Configuration c : all) {
        names.add(String.valueOf(c.getProperties().get("name")));
      }
    }
    return names;
  }

  /**
   * {@code dev add} returns once the device exists, printing nothing, as iproute2's does, even while a
   * driver's probe hangs; the next command that needs the interface waits for the bus to bind it
   * (here until the probe timeout hands it to virtio_net).
   */
  @Test
  public void devAddReturnsOnceCreatedAndTheNextCommandWaitsForTheDriver() throws Exception {
    probeTimeout(2500);
    Bundle stuck = Fixtures.drivers(context, "stuck", "stuck;score=1000;probe=hang;match=all");
    long start = System.nanoTime();
    assertEquals("", run("vdpa dev add name slow mgmtdev vdpasim_net"));
    long took = (System.nanoTime() - start) / 1_000_000;
    assertTrue("dev add took " + took + " ms, not returning before the hanging probe's 2500 ms", took < 2000);
    assertTrue("on the bus when dev add returns", bus.device("slow").isPresent());
    String stats = run("net:stats vnet-slow");
    assertTrue(stats, stats.contains("vnet-slow"));
    assertEquals(DeviceDTO.State.BOUND, dev("slow").state);
    assertEquals("virtio_net", dev("slow").driver);
    assertEquals("no progress for a quick add", "", sessionOut.toString(StandardCharsets.UTF_8).strip());
    stuck.uninstall();
  }

  /** Under -j a show naming something absent prints iproute2's closed empty section, then fails with its line. */
  @Test
  public void aFailedShowUnderJsonPrintsTheEmptySection() throws Exception {
    assertEquals("unknown device 'nope'", refused("vdpa -j dev show nope", 5000));
    assertEquals("{\"dev\":{}}", sessionOut.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  public void theVdpaToolIsTypedAsInLinux() throws Exception {
    assertEquals("", run("vdpa dev add name t1 mgmtdev vdpasim_net mac 02:00:00:00:00:b1"));
    assertEquals(run("vdpa:dev -jp show"), run("vdpa -jp dev show"));
    assertEquals(run("vdpa:dev show t1"), run("vdpa d s t1"));
    assertEquals(run("vdpa:dev show"), run("vdpa dev list"));
    assertEquals(run("vdpa:mgmtdev -j show vdpasim_net"), run("vdpa -j mgmtdev show vdpasim_net"));
    // -j and -p are Gogo options of the scoped commands (help lists them); -jp is read as iproute2 spells it
    assertEquals(run("vdpa:dev -jp show"), run("vdpa:dev --json --pretty show"));
    assertEquals(run("vdpa:dev -jp show"), run("vdpa:dev -j -p show"));
    String help = run("help vdpa:dev");
    assertTrue(help, help.contains("--json") && help.contains("JSON output") && help.contains("--pretty"));
    assertEquals(run("vdpa:dev config show t1"), run("vdpa dev config show t1"));
    assertTrue(run("vdpa help").startsWith("Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }"));
    assertTrue(run("vdpa").startsWith("Usage: vdpa [ OPTIONS ] OBJECT { COMMAND | help }"));
    assertTrue(run("vdpa dev help").startsWith("Usage: vdpa dev show [ DEV ]"));
    assertTrue(run("vdpa -V").matches("vdpa utility, vDPA-OSGi \\d+\\.\\d+\\.\\d+.*"));
    assertEquals("Object \"frob\" not found", refused("vdpa frob show", 2000));
    assertEquals("Command \"frob\" not found", refused("vdpa dev frob", 2000));
    assertEquals("Option \"-x\" is unknown, try \"vdpa help\".", refused("vdpa -x dev show", 2000));
    assertEquals("t1: deleted", run("vdpa dev del t1"));
  }

  @Test
  public void refusedAddsAnswerAtOnceAndKeepNothing() throws Exception {
    String[][] cases = {
        {"vdpa:dev add name bar mgmtdev vdpasim_net mac ff:ff:ff:ff:ff:ff",
            "mac ff:ff:ff:ff:ff:ff is the broadcast address; a device needs a unicast address"},
        {"vdpa:dev add name bar mgmtdev vdpasim_net mac 01:00:5e:00:00:01",
            "mac 01:00:5e:00:00:01 is a multicast address (group bit set in 01); a device needs a unicast address"},
        {"vdpa:dev add name bar mgmtdev vdpasim_net device_features 0",
            "device_features 0x0 lack VERSION_1 (bit 32): vDPA devices speak virtio 1.x"},
        {"vdpa:dev add name bar mgmtdev vdpasim_net device_features 0x100000001",
            "device_features 0x100000001 has bits 0x1 that management device vdpasim_net does not support (supported: 0x"}};
    for (String[] c : cases) {
      String message = refused(c[0], 2000);
      assertTrue(message, message.startsWith(c[1]));
      assertTrue(keptNames().toString(), keptNames().isEmpty());
      assertTrue(bus.device("bar").isEmpty());
    }
    // the name is free: no ghost configuration holds it
    assertEquals("", run("vdpa:dev add name bar mgmtdev vdpasim_net mac 02:00:00:00:00:b1"));
    assertEquals(List.of("bar"), keptNames());
    await("the log line of the kept device", () -> lines.contains("kept device bar created on vdpasim_net"));
    assertTrue(traces.toString(), traces.isEmpty());
  }

  @Test
  public void aRefusedSetLeavesTheRunningDeviceIntact() throws Exception {
    assertEquals("", run("vdpa:dev add name a mgmtdev vdpasim_net mac 02:00:00:00:00:a1"));
    DeviceDTO before = dev("a");
    String message = refused("vdpa:dev set name a mac 01:00:5e:00:00:01", 2000);
    assertEquals("mac 01:00:5e:00:00:01 is a multicast address (group bit set in 01); a device needs a unicast address", message);
    DeviceDTO after = dev("a");
    assertEquals("the device was not created again", before.serviceId, after.serviceId);
    await("a bound (dev add does not wait for it)", () -> bus.device("a").map(d -> d.state == DeviceDTO.State.BOUND).orElse(false));
    assertTrue(run("vdpa:dev config show a"), run("vdpa:dev config show a").startsWith("a: mac 02:00:00:00:00:a1 "));
    // a good change still applies
    assertEquals("a: mac 02:00:00:00:00:a2", run("vdpa:dev set name a mac 02:00:00:00:00:a2"));
    assertTrue(run("vdpa:dev config show a").startsWith("a: mac 02:00:00:00:00:a2 "));
    assertTrue(traces.toString(), traces.isEmpty());
  }

  @Test
  public void aKeptConfigurationTheDeviceRefusesIsOneLogLineAndCanBeDeleted() throws Exception {
    // written by hand (or kept by a version that did not validate): not created, reported in one line
    org.osgi.service.cm.Configuration ghost = configAdmin.createFactoryConfiguration(VdpaDeviceStore.FACTORY_PID, "?");
    ghost.update(new java.util.Hashtable<>(Map.of("name", "ghost", "mgmtdev", "vdpasim_net",
        "mgmtdev.target", "(vdpa.mgmtdev.handle=vdpasim_net)", "mac", "ff:ff:ff:ff:ff:ff")));
    await("the refusal in the log", () -> lines.contains("kept device ghost not created: management device vdpasim_net "
        + "refuses it: mac ff:ff:ff:ff:ff:ff is the broadcast address; a device needs a unicast address "
        + "(vdpa:dev del ghost forgets it)"));
    assertTrue(bus.device("ghost").isEmpty());
    assertEquals("device ghost is kept but not on the bus (management device vdpasim_net refuses it: mac "
        + "ff:ff:ff:ff:ff:ff is the broadcast address; a device needs a unicast address); vdpa:dev del ghost forgets it",
        refused("vdpa:dev add name ghost mgmtdev vdpasim_net", 2000));
    assertEquals("ghost: deleted", run("vdpa:dev del ghost"));
    assertTrue(keptNames().isEmpty());

    // a hand edit the device refuses leaves the running device as it was
    run("vdpa:dev add name h mgmtdev vdpasim_net mac 02:00:00:00:00:c1");
    long serviceId = dev("h").serviceId;
    org.osgi.service.cm.Configuration h = configAdmin.listConfigurations("(name=h)")[0];
    java.util.Dictionary<String, Object> edited = h.getProperties();
    edited.put("mac", "01:00:5e:00:00:01");
    h.update(edited);
    await("the refused edit in the log", () -> lines.contains("kept device h unchanged: management device vdpasim_net "
        + "refuses the new configuration: mac 01:00:5e:00:00:01 is a multicast address (group bit set in 01); "
        + "a device needs a unicast address"));
    assertEquals(serviceId, dev("h").serviceId);
    await("h bound (dev add does not wait for it)", () -> bus.device("h").map(d -> d.state == DeviceDTO.State.BOUND).orElse(false));
    assertTrue(run("vdpa:dev config show h").startsWith("h: mac 02:00:00:00:00:c1 "));
    assertTrue(traces.toString(), traces.isEmpty());
  }

  @Test
  public void withoutTheManagementDeviceAddsAreRefusedAtOnce() throws Exception {
    Bundle simnet = installed("net.vdpa.device.simnet");
    simnet.stop();
    assertEquals("unknown management device 'vdpasim_net' (there is none)",
        refused("vdpa:dev add name q mgmtdev vdpasim_net", 2000));
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    try {
      store.add("vdpasim_net", DevConfig.named("q"));
      fail("kept a device no management device could check");
    } catch (IllegalArgumentException e) {
      assertEquals("management device vdpasim_net is not running: device q cannot be checked, so it is not kept", e.getMessage());
    }
    assertTrue(keptNames().isEmpty());
  }

  @Test
  public void theCommandsAnswerWhileTheBusIsStopped() throws Exception {
    Bundle busBundle = installed("net.vdpa.bus");
    busBundle.stop();
    String down = "the vDPA bus is not running (bundle net.vdpa.bus is RESOLVED)";
    assertEquals(down, refused("vdpa:bus show", 2000));
    assertEquals(down, refused("vdpa:dev show", 2000));
    assertEquals(down, refused("vdpa:mgmtdev show", 2000));
    assertEquals(down, refused("vdpa:dev add name x mgmtdev vdpasim_net", 2000));
    busBundle.start();
    await("the bus answers", () -> {
      try {
        return run("vdpa:bus show").startsWith("autoprobe on");
      } catch (Exception e) {
        return false;
      }
    });
  }

}
