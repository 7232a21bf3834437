package net.vdpa.api;

import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A management device, as Linux's {@code vdpa_mgmt_dev}: the thing that creates and deletes vDPA
 * devices on request ({@code vdpasim_net}, {@code pci/0000:03:00.0}). Registered as a service by a
 * device bundle; deleting it (stopping the bundle) deletes every device it created.
 */
@ConsumerType
public interface VdpaMgmtDevice {

  /** Service property: the management device handle. */
  String PROP_HANDLE = "vdpa.mgmtdev.handle";

  /**
   * The handle users name it by: a bus-less name such as {@code vdpasim_net} or
   * {@code bus/device} such as {@code pci/0000:03:00.0}.
   *
   * @return the handle
   */
  String handle();

  /**
   * The device classes it can create, as iproute2 prints them ({@code net}, {@code block}).
   *
   * @return the classes
   */
  Set<String> supportedClasses();

  /**
   * The feature bits a device it creates can offer.
   *
   * @return the features
   */
  long supportedFeatures();

  /**
   * The largest number of virtqueues one device can have.
   *
   * @return the maximum
   */
  int maxSupportedVqs();

  /**
   * The optional attributes {@link #devAdd} accepts.
   *
   * @return the attributes
   */
  Set<DevAttr> acceptedAttributes();

  /**
   * Checks a configuration without creating anything: what {@code vdpa dev add} and {@code dev set}
   * ask before they keep a configuration, so that a refusal is reported at once and nothing is kept.
   * A configuration this accepts must not be refused by {@link #devAdd} for its values (a taken name
   * or exhausted resources may still be).
   *
   * <p>The default checks what holds for every management device: the attributes and feature bits
   * against {@link #acceptedAttributes()} and {@link #supportedFeatures()} ({@link
   * DevConfig#checkAgainst}), that given feature bits include {@code VERSION_1}, and that a MAC
   * address is one a device may own ({@link MacAddress#checkStation()}). Implementations add their
   * own rules and should call it.
   *
   * @param config the configuration
   * @throws IllegalArgumentException naming the value it refuses and why
   */
  default void validate(DevConfig config) {
    config.checkAgainst(this);
    Long features = config.deviceFeatures();
    if (features != null && (features & (1L << DevConfig.F_VERSION_1)) == 0) {
      throw new IllegalArgumentException("device_features 0x" + Long.toHexString(features)
          + " lack VERSION_1 (bit " + DevConfig.F_VERSION_1 + "): vDPA devices speak virtio 1.x");
    }
    if (config.mac() != null) {
      config.mac().checkStation();
    }
  }

  /**
   * Creates a device and registers it on the bus.
   *
   * @param config what to create; check it with {@link #validate}
   * @return the new device
   * @throws IllegalArgumentException if the configuration is not acceptable or the name is taken
   *     (the message names the value)
   */
  VdpaDevice devAdd(DevConfig config);

  /**
   * Deletes a device this management device created: its driver is removed first, then the device
   * service goes away.
   *
   * @param name the device name
   * @throws IllegalArgumentException if no device of that name was created here
   */
  void devDel(String name);

  /**
   * The names of the devices this management device created and still holds.
   *
   * @return the names
   */
  List<String> devices();
}
