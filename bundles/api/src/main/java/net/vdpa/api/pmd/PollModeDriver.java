package net.vdpa.api.pmd;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Starts poll-mode ports over devices bound to {@code vfio_vdpa}. */
@ProviderType
public interface PollModeDriver {

  /**
   * Opens the device's passthrough handle and brings the device up: reset, features (VERSION_1),
   * one queue pair in the port's own mapped memory, DRIVER_OK; receive buffers posted.
   *
   * @param device a network device bound to {@code vfio_vdpa}
   * @param owner who uses the port (shown to anyone else who tries to open the device)
   * @return the running port
   * @throws IllegalArgumentException if the device is not bound to {@code vfio_vdpa} or is not a
   *     network device
   * @throws net.vdpa.api.passthrough.VfioException if the open or a register write is refused
   */
  PmdPort start(String device, String owner);

  /**
   * The ports started and not closed.
   *
   * @return the ports, by device name
   */
  List<PmdPort> ports();
}
