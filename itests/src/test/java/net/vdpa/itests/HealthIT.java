package net.vdpa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.util.ArrayList;
import java.util.List;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDeviceStore;
import net.vdpa.api.dto.DeviceDTO;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionOptions;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The vdpa Felix Health Check in a real framework (Felix, and Equinox in the second failsafe run),
 * run through Felix HC's own executor by its tag as the Web Console tab and {@code hc:exec} run it:
 * OK while every kept device is bound, WARN naming a kept device its driver left, CRITICAL once the
 * bus is gone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HealthIT extends BusTestSupport {

  @Override
  protected Option[] extraOptions() {
    return new Option[] {reactorBundle("vdpa.bundle.ring"), reactorBundle("vdpa.bundle.devicecore"),
        reactorBundle("vdpa.bundle.simnet"), reactorBundle("vdpa.bundle.virtionet"), reactorBundle("vdpa.bundle.config"),
        reactorBundle("vdpa.bundle.health"),
        // Felix HC formats its messages with slf4j; 1.7's API bundle resolves only with a binding fragment (the
        // runtime's); by version, so that the test JVM's own class path keeps no slf4j binding
        mavenBundle("org.slf4j", "slf4j-api").versionAsInProject(),
        mavenBundle("org.slf4j", "slf4j-simple", "1.7.36").noStart(),
        mavenBundle("org.apache.felix", "org.apache.felix.healthcheck.api").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.healthcheck.core").versionAsInProject(),
        // what Felix HC core imports for its servlet (not used here): the Servlet Whiteboard API and jakarta.servlet
        mavenBundle("org.osgi", "org.osgi.service.servlet").versionAsInProject(),
        mavenBundle("org.apache.felix", "org.apache.felix.http.servlet-api").versionAsInProject()};
  }

  private Result vdpaCheck() throws Exception {
    List<HealthCheckExecutionResult> all = service(HealthCheckExecutor.class)
        .execute(HealthCheckSelector.tags("vdpa"), new HealthCheckExecutionOptions().setForceInstantExecution(true));
    assertEquals("one check has the tag vdpa: " + all, 1, all.size());
    assertEquals("vdpa", all.get(0).getHealthCheckMetadata().getName());
    return all.get(0).getHealthCheckResult();
  }

  private static List<String> entries(Result r) {
    List<String> out = new ArrayList<>();
    for (ResultLog.Entry e : r) {
      out.add(e.getStatus() + " " + e.getMessage());
    }
    return out;
  }

  @Test
  public void theVdpaCheckJudgesKeptDevicesAndTheBus() throws Exception {
    VdpaDeviceStore store = service(VdpaDeviceStore.class);
    store.add("vdpasim_net", DevConfig.named("hc0"));
    await("hc0 bound", () -> bus.device("hc0").map(d -> d.state == DeviceDTO.State.BOUND).orElse(false));
    Result ok = vdpaCheck();
    assertEquals(entries(ok).toString(), Result.Status.OK, ok.getStatus());

    Bundle driver = installed("net.vdpa.driver.virtionet");
    driver.stop();
    await("hc0 unbound", () -> bus.device("hc0").map(d -> d.state == DeviceDTO.State.UNBOUND).orElse(false));
    Result warn = vdpaCheck();
    assertEquals(entries(warn).toString(), Result.Status.WARN, warn.getStatus());
    assertTrue(entries(warn).toString(), entries(warn).get(0).startsWith("WARN kept device hc0 is not bound: "));

    driver.start();
    await("hc0 bound again", () -> bus.device("hc0").map(d -> d.state == DeviceDTO.State.BOUND).orElse(false));
    assertEquals(Result.Status.OK, vdpaCheck().getStatus());

    installed("net.vdpa.bus").stop();
    Result critical = vdpaCheck();
    assertEquals(entries(critical).toString(), Result.Status.CRITICAL, critical.getStatus());
    assertTrue(entries(critical).toString(), entries(critical).contains("CRITICAL the vDPA bus is not running"));
  }
}
