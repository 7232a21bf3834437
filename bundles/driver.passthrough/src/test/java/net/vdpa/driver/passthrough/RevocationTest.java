package net.vdpa.driver.passthrough;

import static net.vdpa.driver.passthrough.Fixture.negotiate;
import static net.vdpa.driver.passthrough.Fixture.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Region;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import org.junit.jupiter.api.Test;

/** Taking a device back: ask the owner, wait at most the grace period, then revoke. */
class RevocationTest {
  static final long GRACE = 300;

  @Test
  void anOwnerThatClosesWhenAskedIsNotRevoked() throws Exception {
    Fixture fx = new Fixture(10_000);
    VdpaDevice nic = Fixture.nic("pt0");
    IommuGroup g = fx.core.bind(nic);
    IommuContainer c = fx.core.openContainer("user");
    g.setContainer(c);
    AtomicReference<DeviceHandle> handle = new AtomicReference<>();
    AtomicReference<String> asked = new AtomicReference<>();
    handle.set(g.openDevice("pt0", "user", (d, why, grace) -> {
      asked.set(d + ": " + why + " (" + grace + " ms)");
      new Thread(() -> handle.get().close()).start(); // closes from its own thread, as a PMD would
    }));
    long t0 = System.nanoTime();
    fx.core.unbind(nic, "device pt0 unbound");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
    assertThat(asked.get()).isEqualTo("pt0: device pt0 unbound (10000 ms)");
    assertThat(fx.revoked).isEmpty();
    assertThat(handle.get().revoked()).isFalse();
    assertThat(c.revoked()).as("the last group left the container").isTrue();
  }

  @Test
  void anOwnerThatIgnoresTheRequestIsRevokedAfterTheGracePeriod() throws Exception {
    Fixture fx = new Fixture(GRACE);
    VdpaDevice nic = Fixture.nic("pt0");
    IommuGroup g = fx.core.bind(nic);
    IommuContainer c = fx.core.openContainer("user");
    g.setContainer(c);
    c.dmaMap(0x10000, ByteBuffer.allocateDirect(4096), DmaPerm.READ_WRITE);
    CountDownLatch asked = new CountDownLatch(1);
    DeviceHandle h = g.openDevice("pt0", "stubborn", (d, why, grace) -> asked.countDown());
    negotiate(h, 1L << VirtioNet.F_VERSION_1);
    long t0 = System.nanoTime();
    fx.core.unbind(nic, "device pt0 unbound");
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(asked.getCount()).isZero();
    assertThat(took).as("waited the grace period, and not much more").isBetween(GRACE - 5, GRACE + 2_000);
    assertThat(fx.revoked).containsExactly("pt0 stubborn");
    assertThat(h.revoked()).isTrue();
    assertThat(nic.status()).as("device reset").isZero();
    for (Runnable call : new Runnable[] {
        () -> read(h, CommonCfg.DEVICE_STATUS),
        () -> h.write(Region.NOTIFY, 0, 2, 0),
        () -> h.write(Region.COMMON_CFG, CommonCfg.DEVICE_STATUS, 1, 1),
        () -> h.setIrq(0, v -> {}),
        () -> h.maskIrq(0, true),
        h::reset,
        () -> h.regionSize(Region.ISR),
        () -> c.dmaMap(0x20000, ByteBuffer.allocateDirect(4096), DmaPerm.READ),
        () -> c.dmaUnmap(0x10000, 4096),
        () -> g.openDevice("pt0", "next", (d, w, t) -> {})}) {
      VfioException e = catchThrowableOfType(VfioException.class, call::run);
      assertThat(e).isNotNull();
      assertThat(e.error()).as(e.getMessage()).isEqualTo(VfioError.REVOKED);
    }
    assertThat(c.mappings()).as("mappings dropped").isEmpty();
    assertThat(fx.core.groups()).isEmpty();
    h.close(); // still allowed, does nothing
  }

  @Test
  void aDeviceWithoutAnOpenHandleGoesAtOnce() {
    Fixture fx = new Fixture(60_000);
    VdpaDevice nic = Fixture.nic("pt0");
    fx.core.bind(nic);
    long t0 = System.nanoTime();
    fx.core.unbind(nic, "device pt0 unbound");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
    assertThat(fx.core.handles()).isEmpty();
  }
}
