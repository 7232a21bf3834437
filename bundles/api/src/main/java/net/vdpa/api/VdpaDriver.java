package net.vdpa.api;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A driver on the vDPA bus, the Java form of Linux's {@code struct vdpa_driver}: virtio-net,
 * vhost, passthrough. A driver bundle registers it as a service (whiteboard); the bus calls
 * {@link #match}, then {@link #probe} to hand it a device and {@link #remove} to take it back.
 *
 * <p><b>The bus's promises.</b> Calls for one device never overlap. {@code probe} and {@code
 * remove} run on bus threads, never on the framework's event thread, and the bus holds no lock of
 * its own while calling them. A {@code probe} that throws, or takes longer than the bus's probe
 * timeout, leaves the device unbound with the reason recorded; if a timed-out probe returns later,
 * the bus calls {@code remove} so the driver can let go. After {@code remove} the bus resets the
 * device.
 *
 * <p><b>The driver's promises.</b> {@code match} and {@code busy} are quick and side-effect free.
 * {@code remove} never waits on a remote peer: it revokes what it published and returns.
 *
 * <p><b>Scores.</b> 0: the driver cannot drive the device. {@link #MATCH_ON_REQUEST} (1): it can,
 * but takes the device only when asked by name (a driver override or {@code bind}); autoprobe
 * never picks it. That is the score of drivers that hand a device to user space (vhost, passthrough):
 * a NIC whose kernel-side driver is briefly away (bundle update) must not be taken by one.
 * 2 and more: autoprobe picks the highest.
 */
@ConsumerType
public interface VdpaDriver {

  /**
   * The score of a driver that takes a device only by driver override or {@code bind}, never by
   * autoprobe.
   */
  int MATCH_ON_REQUEST = 1;

  /**
   * The driver name used by overrides and {@code bind}, for example {@code virtio_net}.
   *
   * @return the name
   */
  String name();

  /**
   * How well this driver fits a device: 0 means it does not match; higher wins. The bus breaks
   * ties by {@code service.ranking} (higher first), then {@code service.id} (lower first).
   *
   * @param device the candidate device
   * @return a score, 0 or more
   */
  int match(VdpaDevice device);

  /**
   * Takes the device: initialise it and publish whatever class the driver offers (a network
   * interface, a vhost endpoint). Return only when that is done.
   *
   * @param device the device, now exclusively this driver's
   * @throws Exception if the device cannot be driven; the message is shown as the reason
   */
  void probe(VdpaDevice device) throws Exception;

  /**
   * Lets go of the device: unpublish first, then stop using it. The bus resets it afterwards.
   *
   * @param device a device this driver probed successfully
   */
  void remove(VdpaDevice device);

  /**
   * Whether a user holds the device open through this driver (a connected vhost-user frontend, an
   * open in-process handle, a mapped passthrough region), so that the bus should not take it away
   * on its own initiative. The bus asks before moving a device back to the driver it left when that
   * driver returns; it does not ask before an unbind, override or removal a user requested, nor when
   * this driver or the device leaves.
   *
   * @param device a device this driver holds
   * @return why the device is busy, in words for the bus listing ({@code "vhost-user frontend
   *     connected"}), or empty if the driver can let it go; the default says it is never busy
   */
  default Optional<String> busy(VdpaDevice device) {
    return Optional.empty();
  }

  /**
   * Whether this driver forbids another driver to take a device it does not hold, now: the form of
   * Linux's DMA ownership of an IOMMU group. While user space uses a group through VFIO, the kernel
   * refuses to probe any member of it with another driver ({@code iommu_device_use_default_domain}
   * answers {@code -EBUSY}), because that driver's DMA would share the user's address space.
   *
   * <p>The bus asks every driver present except the candidate before each probe, with the device
   * already {@code PROBING} by the candidate in its state; a refusal fails that candidate with the
   * driver's words as the reason, without calling its {@code probe}. A driver that answers empty
   * and then starts a use that would have refused therefore sees the candidate in the bus state,
   * and must check it. When the use that refused ends, the driver calls {@link VdpaBus#rematch}
   * for the devices it kept away.
   *
   * @param device a device this driver does not hold
   * @param driver the name of the driver about to probe it
   * @return why not, in words for the bus listing ({@code "iommu group 7 is in use by testpmd"}),
   *     or empty; the default never refuses
   * @since 1.4
   */
  default Optional<String> refuses(VdpaDevice device, String driver) {
    return Optional.empty();
  }
}
