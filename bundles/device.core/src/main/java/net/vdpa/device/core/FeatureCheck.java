package net.vdpa.device.core;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device kind's rules on the features a driver accepts, checked when the driver sets FEATURES_OK
 * (virtio 1.2 §3.1.1: the device may refuse a combination it cannot serve, such as virtio-net's MQ
 * without CTRL_VQ).
 */
@ConsumerType
@FunctionalInterface
public interface FeatureCheck {
  /** Accepts every combination. */
  FeatureCheck NONE = features -> null;

  /**
   * Checks the driver's features.
   *
   * @param features the features the driver wrote, all offered, VERSION_1 among them
   * @return why the combination is refused (for the error message), or null to accept it
   */
  String refuse(long features);
}
