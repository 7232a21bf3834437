package net.vdpa.driver.passthrough;

import static net.vdpa.driver.passthrough.Fixture.negotiate;
import static net.vdpa.driver.passthrough.Fixture.queue;
import static net.vdpa.driver.passthrough.Fixture.read;
import static net.vdpa.driver.passthrough.Fixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.VirtioStatus;
import net.vdpa.api.net.VirtioNet;
import net.vdpa.api.passthrough.Access;
import net.vdpa.api.passthrough.CommonCfg;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.DmaPerm;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuFault;
import net.vdpa.api.passthrough.IommuGroup;
import net.vdpa.api.passthrough.Region;
import net.vdpa.api.passthrough.VfioError;
import net.vdpa.api.passthrough.VfioException;
import net.vdpa.api.passthrough.Viability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A simulated NIC through the passthrough core: registers, interrupts, exclusivity, groups, faults. */
class HandleTest {
  static final long VERSION_1 = 1L << VirtioNet.F_VERSION_1;
  final Fixture fx = new Fixture(0);
  final VdpaDevice nic = Fixture.nic("pt0");
  IommuContainer container;

  DeviceHandle open() {
    IommuGroup g = fx.core.bind(nic);
    container = fx.core.openContainer("test");
    g.setContainer(container);
    return g.openDevice("pt0", "test", (d, why, grace) -> {});
  }

  @AfterEach
  void reset() {
    nic.reset();
  }

  @Test
  void registerWritesBecomeDeviceOperations() {
    DeviceHandle h = open();
    assertThat(read(h, CommonCfg.NUM_QUEUES)).isEqualTo(nic.vqCount());
    write(h, CommonCfg.DEVICE_FEATURE_SELECT, 1);
    assertThat(read(h, CommonCfg.DEVICE_FEATURE)).isEqualTo(nic.deviceFeatures() >>> 32);
    negotiate(h, VERSION_1);
    assertThat(nic.driverFeatures()).isEqualTo(VERSION_1);
    assertThat(nic.status() & VirtioStatus.FEATURES_OK).isNotZero();
    assertThat(read(h, CommonCfg.DEVICE_STATUS)).isEqualTo(nic.status());
    container.dmaMap(0x10000, ByteBuffer.allocateDirect(3 * 4096), DmaPerm.READ_WRITE);
    queue(h, 0, 64, 0x10000, 0x11000, 0x12000);
    assertThat(nic.isVqReady(0)).isTrue();
    assertThat(read(h, CommonCfg.QUEUE_ENABLE)).isEqualTo(1);
    assertThat(read(h, CommonCfg.QUEUE_NOTIFY_OFF)).isZero();
    assertThat(h.regionSize(Region.NOTIFY)).isEqualTo(nic.vqCount() * CommonCfg.NOTIFY_OFF_MULTIPLIER);
    assertThat(h.read(Region.DEVICE_CFG, 0, 1)).isEqualTo(macByte0());
    h.reset();
    assertThat(nic.status()).isZero();
    assertThat(nic.isVqReady(0)).isFalse();
  }

  long macByte0() {
    ByteBuffer b = ByteBuffer.allocate(1);
    nic.getConfig(0, b);
    return b.get(0) & 0xFF;
  }

  @Test
  void badOffsetsAndWidthsAreIgnoredAndCounted() {
    DeviceHandle h = open();
    negotiate(h, VERSION_1);
    int status = nic.status();
    h.write(Region.COMMON_CFG, CommonCfg.DEVICE_STATUS, 4, 0); // status is one byte wide
    h.write(Region.COMMON_CFG, 3, 1, 0xFF); // inside device_feature_select
    h.write(Region.COMMON_CFG, 200, 4, 0);
    h.write(Region.NOTIFY, 2, 2, 0); // not a doorbell
    h.write(Region.NOTIFY, 4 * nic.vqCount(), 2, 0); // past the last queue
    assertThat(h.read(Region.COMMON_CFG, CommonCfg.QUEUE_SIZE, 4)).isEqualTo(0xFFFF_FFFFL);
    assertThat(h.read(Region.ISR, 1, 1)).isEqualTo(0xFF);
    assertThat(h.badAccesses()).isEqualTo(7);
    assertThat(nic.status()).isEqualTo(status);
  }

  @Test
  void refusedWritesSayWhyAndChangeNothing() {
    DeviceHandle h = open();
    negotiate(h, VERSION_1);
    write(h, CommonCfg.QUEUE_SELECT, 0);
    VfioException e = catchThrowableOfType(VfioException.class, () -> write(h, CommonCfg.QUEUE_SIZE, 100));
    assertThat(e.error()).isEqualTo(VfioError.REGISTER_REFUSED);
    assertThat(e.getMessage()).contains("queue_size 100").contains("power of two");
    assertThat(read(h, CommonCfg.QUEUE_SIZE)).isEqualTo(nic.vqNumMax());
    e = catchThrowableOfType(VfioException.class, () -> write(h, CommonCfg.QUEUE_ENABLE, 1));
    assertThat(e.getMessage()).contains("enabled before its addresses");
    assertThat(nic.isVqReady(0)).isFalse();
    e = catchThrowableOfType(VfioException.class, () -> write(h, CommonCfg.QUEUE_MSIX_VECTOR, 99));
    assertThat(e.getMessage()).contains("queue_msix_vector 99");
    assertThat(read(h, CommonCfg.QUEUE_MSIX_VECTOR)).isEqualTo(CommonCfg.NO_VECTOR);
    e = catchThrowableOfType(VfioException.class, () -> write(h, CommonCfg.NUM_QUEUES, 1));
    assertThat(e.getMessage()).contains("read-only");
    assertThat(h.refusedWrites()).isEqualTo(4);
  }

  @Test
  void featuresTheDeviceDoesNotOfferLeaveFeaturesOkUnset() {
    DeviceHandle h = open();
    VfioException e = catchThrowableOfType(VfioException.class, () -> negotiate(h, VERSION_1 | (1L << 63)));
    assertThat(e.getMessage()).startsWith("device_status 0xb refused");
    assertThat(nic.status() & VirtioStatus.FEATURES_OK).isZero();
  }

  @Test
  void aSecondOpenNamesTheOwner() {
    open();
    IommuGroup g = fx.core.groupOf("pt0").orElseThrow();
    VfioException e = catchThrowableOfType(VfioException.class, () -> g.openDevice("pt0", "other", (d, w, t) -> {}));
    assertThat(e.error()).isEqualTo(VfioError.BUSY);
    assertThat(e.getMessage()).isEqualTo("device pt0 is already open by test");
  }

  @Test
  void aMaskedVectorKeepsItsInterruptPendingUntilUnmasked() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Runnable> configCallback = new java.util.concurrent.atomic.AtomicReference<>();
    VdpaDevice watched = (VdpaDevice) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {VdpaDevice.class}, (p, m, a) -> {
          if (m.getName().equals("setConfigCallback")) {
            configCallback.set((Runnable) a[0]);
          }
          return m.invoke(nic, a);
        });
    IommuGroup g = fx.core.bind(watched);
    g.setContainer(fx.core.openContainer("test"));
    DeviceHandle h = g.openDevice("pt0", "test", (d, why, grace) -> {});
    java.util.concurrent.BlockingQueue<Integer> fired = new java.util.concurrent.LinkedBlockingQueue<>();
    int config = nic.vqCount();
    h.setIrq(config, fired::add);
    write(h, CommonCfg.MSIX_CONFIG, config);
    h.maskIrq(config, true);
    configCallback.get().run(); // the device's config space changed
    assertThat(fired.poll(50, TimeUnit.MILLISECONDS)).isNull();
    assertThat(((Handle) h).irqPending(config)).isTrue();
    h.maskIrq(config, false);
    assertThat(fired.poll(5, TimeUnit.SECONDS)).isEqualTo(config);
    assertThat(h.read(Region.ISR, 0, 1) & CommonCfg.ISR_CONFIG).isNotZero();
    assertThat(h.read(Region.ISR, 0, 1)).as("a read clears the ISR").isZero();
    VfioException e = catchThrowableOfType(VfioException.class, () -> h.setIrq(config + 1, v -> {}));
    assertThat(e.getMessage()).isEqualTo("irq vector " + (config + 1) + " is not below " + (config + 1));
  }

  @Test
  void aDeviceAccessOutsideTheMappingsIsAFaultNotARead() throws Exception {
    DeviceHandle h = open();
    negotiate(h, VERSION_1);
    container.dmaMap(0x10000, ByteBuffer.allocateDirect(3 * 4096), DmaPerm.READ_WRITE);
    // queue 1 (transmit) lives in mapped memory, queue 0 (receive) at addresses nobody mapped
    queue(h, 0, 64, 0x8000_0000L, 0x8000_1000L, 0x8000_2000L);
    queue(h, 1, 64, 0x10000, 0x11000, 0x12000);
    write(h, CommonCfg.DEVICE_STATUS, 3 | 8 | 4);
    h.write(Region.NOTIFY, 0, 2, 0);
    IommuFault f = fx.faults.poll(10, TimeUnit.SECONDS);
    assertThat(f).isNotNull();
    assertThat(f.device()).isEqualTo("pt0");
    assertThat(f.iova()).isBetween(0x8000_0000L, 0x8000_2FFFL);
    assertThat(f.access()).isIn(Access.READ, Access.WRITE);
    assertThat(f.reason()).isEqualTo("address range not mapped");
    assertThat(fx.core.faults()).contains(f);
  }

  @Test
  void aGroupWithAMemberBoundElsewhereIsRefusedNamingIt() {
    Fixture grouped = new Fixture(0, "5=pt0,pt1");
    grouped.elsewhere.put("pt1", "virtio_net");
    IommuGroup g = grouped.core.bind(nic);
    assertThat(g.id()).isEqualTo(5);
    assertThat(g.devices()).containsExactly("pt0", "pt1");
    assertThat(g.viability()).isEqualTo(new Viability.Broken("pt1", "virtio_net"));
    IommuContainer c = grouped.core.openContainer("test");
    VfioException e = catchThrowableOfType(VfioException.class, () -> g.setContainer(c));
    assertThat(e.error()).isEqualTo(VfioError.NOT_VIABLE);
    assertThat(e.getMessage()).isEqualTo("group 5 is not viable: device pt1 is bound to virtio_net");
    assertThat(g.container()).isEmpty();
    grouped.elsewhere.remove("pt1");
    g.setContainer(c);
    assertThat(c.groups()).containsExactly(5);
  }
}
