package net.vdpa.api.remote;

import java.io.Serializable;

/**
 * One device of a runtime as {@code vdpa:dev show} lists it, in a form that crosses the wire.
 *
 * @param host the runtime's host name ({@link VdpaRuntime#host()})
 * @param name the device name
 * @param deviceId the virtio device id (1 network, 2 block)
 * @param mgmtdev the management device that created it, or {@code null}
 * @param vendorId the virtio vendor id
 * @param maxVqs the number of virtqueues
 * @param maxVqSize the largest queue size
 */
public record RuntimeDevice(String host, String name, int deviceId, String mgmtdev, int vendorId, int maxVqs,
    int maxVqSize) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Checks the fields a peer could get wrong. */
  public RuntimeDevice {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("device " + name + " has no host");
    }
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a device of host " + host + " has no name");
    }
    if (maxVqs < 0 || maxVqSize < 0) {
      throw new IllegalArgumentException("device " + name + ": max_vqs " + maxVqs + " and max_vq_size " + maxVqSize
          + " must not be negative");
    }
  }
}
