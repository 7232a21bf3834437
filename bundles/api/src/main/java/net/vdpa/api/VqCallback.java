package net.vdpa.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a device calls when it has used buffers to report on a virtqueue (the "interrupt" of
 * Linux's {@code set_vq_cb}). Called on a device thread; it must return quickly.
 */
@FunctionalInterface
@ConsumerType
public interface VqCallback {
  /**
   * The device has published used buffers on the queue and decided the driver should be told.
   *
   * @param vqIndex the queue index
   */
  void used(int vqIndex);
}
