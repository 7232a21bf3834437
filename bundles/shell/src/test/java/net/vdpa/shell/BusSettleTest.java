package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import net.vdpa.api.VdpaBus;
import net.vdpa.api.dto.DeviceDTO;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

class BusSettleTest {
  static DeviceDTO dev(DeviceDTO.State state, String displacedFrom, DeviceDTO.Stay stay) {
    DeviceDTO d = new DeviceDTO();
    d.name = "vdpa0";
    d.state = state;
    d.displacedFrom = displacedFrom;
    d.stay = stay;
    return d;
  }

  @Test
  void probingAndRemovingAreInFlight() {
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.NEW, null, null), Set.of())).as("not matched yet").isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.PROBING, null, null), Set.of())).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.REMOVING, null, null), Set.of())).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, null, null), Set.of("virtio_net"))).isFalse();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.UNBOUND, "virtio_net", null), Set.of())).isFalse();
  }

  @Test
  void aBoundDeviceWhoseFormerDriverIsBackIsInFlightUntilTheBusDecides() {
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", null), Set.of("virtio_net", "vhost_vdpa"))).isTrue();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", null), Set.of("vhost_vdpa"))).as("not back yet")
        .isFalse();
    assertThat(BusSettle.inFlight(dev(DeviceDTO.State.BOUND, "virtio_net", DeviceDTO.Stay.PLACED_BY_BIND),
        Set.of("virtio_net", "vhost_vdpa"))).as("decided: stays").isFalse();
  }

  /** A bus whose devices are what {@code now} holds when asked, and a context that offers it. */
  private static BundleContext contextWith(List<DeviceDTO> now, List<EventHandler> handlers) {
    VdpaBus bus = (VdpaBus) Proxy.newProxyInstance(BusSettleTest.class.getClassLoader(), new Class<?>[] {VdpaBus.class},
        (p, m, a) -> switch (m.getName()) {
          case "devices" -> new ArrayList<>(now);
          case "drivers" -> List.of();
          default -> throw new UnsupportedOperationException(m.getName());
        });
    ServiceReference<?> ref = (ServiceReference<?>) Proxy.newProxyInstance(BusSettleTest.class.getClassLoader(),
        new Class<?>[] {ServiceReference.class}, (p, m, a) -> null);
    ServiceRegistration<?> reg = (ServiceRegistration<?>) Proxy.newProxyInstance(BusSettleTest.class.getClassLoader(),
        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
    return (BundleContext) Proxy.newProxyInstance(BusSettleTest.class.getClassLoader(), new Class<?>[] {BundleContext.class},
        (p, m, a) -> switch (m.getName()) {
          case "getServiceReference" -> ref;
          case "getService" -> bus;
          case "ungetService" -> true;
          case "registerService" -> {
            handlers.add((EventHandler) a[1]);
            yield reg;
          }
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  @Test
  void aCommandGoesOnAtOnceWhenNothingIsInFlightAndAfterTheBusEventOtherwise() throws Exception {
    List<DeviceDTO> now = new CopyOnWriteArrayList<>(List.of(dev(DeviceDTO.State.BOUND, null, null)));
    List<EventHandler> handlers = new CopyOnWriteArrayList<>();
    assertThat(BusSettle.beforeClassServices(contextWith(now, handlers), 60_000)).isEmpty();
    assertThat(handlers).as("nothing in flight: no listening").isEmpty();

    now.set(0, dev(DeviceDTO.State.PROBING, null, null));
    Thread binder = new Thread(() -> {
      while (handlers.isEmpty()) {
        Thread.onSpinWait();
      }
      now.set(0, dev(DeviceDTO.State.BOUND, null, null));
      handlers.get(0).handleEvent(new Event("net/vdpa/device/BOUND", java.util.Map.of()));
    });
    binder.start();
    long start = System.nanoTime();
    assertThat(BusSettle.beforeClassServices(contextWith(now, handlers), 60_000)).isEmpty();
    assertThat((System.nanoTime() - start) / 1_000_000).as("woken by the event, not the limit").isLessThan(30_000);
    binder.join();
  }

  @Test
  void aDeviceStillInFlightAfterTheLimitIsNamedForTheError() {
    List<DeviceDTO> now = List.of(dev(DeviceDTO.State.PROBING, null, null));
    assertThat(BusSettle.beforeClassServices(contextWith(now, new ArrayList<>()), 50))
        .isEqualTo(" (device vdpa0 is still PROBING after 50 ms)");
  }
}
