package net.vdpa.health;

import net.vdpa.api.VdpaBus;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The {@code vdpa} Felix Health Check ({@code hc.name=vdpa}, tag {@code vdpa}): the bus is running,
 * every kept device is present and bound, no device is in DEVICE_NEEDS_RESET, and nothing is still
 * coming up ({@link VdpaHealth} says how each finding counts). Felix HC's executor, its servlet and
 * its Web Console tab run it by name or tag; script mode ({@code net.vdpa.console}) calls it
 * directly and waits until nothing is TEMPORARILY_UNAVAILABLE.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=vdpa", HealthCheck.TAGS + "=vdpa"})
public final class VdpaHealthCheck implements HealthCheck {
  private final BundleContext context;
  private final ServiceComponentRuntime scr;

  // Optional: a missing bus is a finding (CRITICAL), not a reason for the check to vanish.
  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile VdpaBus bus;

  @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
  private volatile ConfigurationAdmin cm;

  /** Creates the check over Declarative Services' runtime. */
  @Activate
  public VdpaHealthCheck(BundleContext context, @Reference ServiceComponentRuntime scr) {
    this.context = context;
    this.scr = scr;
  }

  @Override
  public Result execute() {
    return VdpaHealth.check(FactsReader.read(context, scr, bus, cm));
  }
}
