package net.vdpa.driver.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.passthrough.DeviceHandle;
import net.vdpa.api.passthrough.IommuContainer;
import net.vdpa.api.passthrough.IommuGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A group stays viable after it is opened: while it is attached to a container, the core refuses
 * its other members to every other driver (VFIO's DMA ownership of the group), and when it leaves
 * the container the idle members are handed back to the bus for matching.
 */
class GroupInUseTest {
  private static final String REFUSAL = "iommu group 5 is in use by testpmd through vfio_vdpa: its members may bind"
      + " only to vfio_vdpa until it is released";
  private final Fixture fx = new Fixture(0, "5=pt0,pt1");
  private final VdpaDevice pt0 = Fixture.nic("pt0");

  @AfterEach
  void reset() {
    pt0.reset();
  }

  private IommuGroup attached() {
    IommuGroup g = fx.core.bind(pt0);
    g.setContainer(fx.core.openContainer("testpmd"));
    return g;
  }

  @Test
  void aMemberOfAGroupInUseIsRefusedToEveryOtherDriverNamingTheUser() {
    IommuGroup g = fx.core.bind(pt0);
    assertThat(fx.core.refuses("pt1", "virtio_net")).isEmpty();
    g.setContainer(fx.core.openContainer("testpmd"));
    assertThat(fx.core.refuses("pt1", "virtio_net")).contains(REFUSAL);
    assertThat(fx.core.refuses("pt1", "vhost_vdpa")).contains(REFUSAL);
  }

  @Test
  void theGroupsOwnDriverAndDevicesOutsideTheGroupAreNotRefused() {
    attached();
    assertThat(fx.core.refuses("pt1", VfioVdpaDriver.NAME)).isEmpty();
    assertThat(fx.core.refuses("other", "virtio_net")).isEmpty();
  }

  @Test
  void theRefusalOutlivesAnOpenHandleUntilTheGroupLeavesItsContainer() {
    IommuGroup g = attached();
    DeviceHandle h = g.openDevice("pt0", "testpmd", (d, why, grace) -> {});
    assertThat(fx.core.refuses("pt1", "virtio_net")).contains(REFUSAL);
    h.close();
    // VFIO keeps the group's DMA ownership while it is in a container, open device or not
    assertThat(fx.core.refuses("pt1", "virtio_net")).contains(REFUSAL);
    assertThat(fx.released).isEmpty();
    g.unsetContainer();
    assertThat(fx.core.refuses("pt1", "virtio_net")).isEmpty();
    assertThat(fx.released).containsExactly(List.of("pt1"));
  }

  @Test
  void closingTheContainerReleasesTheGroup() {
    attached();
    IommuContainer c = fx.core.containers().get(0);
    c.close();
    assertThat(fx.core.refuses("pt1", "virtio_net")).isEmpty();
    assertThat(fx.released).containsExactly(List.of("pt1"));
  }

  @Test
  void theLastMemberLeavingTheDriverReleasesTheGroupWithEveryMemberIdle() {
    attached();
    fx.core.unbind(pt0, "unbound by request");
    assertThat(fx.core.refuses("pt1", "virtio_net")).isEmpty();
    assertThat(fx.released).containsExactly(List.of("pt0", "pt1"));
  }

  @Test
  void aGroupThatNeverJoinedAContainerReleasesNothing() {
    IommuGroup g = fx.core.bind(pt0);
    g.unsetContainer();
    fx.core.unbind(pt0, "unbound by request");
    assertThat(fx.released).isEmpty();
  }
}
