package net.vdpa.device.smartnic;

import net.vdpa.api.VdpaMgmtDevice;
import net.vdpa.api.net.NetInterface;

/** Registers a function's management device, and in switchdev mode its representor, as services. */
@FunctionalInterface
interface Registrar {
  /**
   * Registers a management device.
   *
   * @param m the management device
   * @return what withdraws it
   */
  Runnable register(VdpaMgmtDevice m);

  /**
   * Registers a representor as a network interface.
   *
   * @param rep the representor
   * @return what withdraws it
   */
  default Runnable registerInterface(NetInterface rep) {
    return () -> { };
  }
}
