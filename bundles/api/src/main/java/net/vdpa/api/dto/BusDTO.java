package net.vdpa.api.dto;

import org.osgi.dto.DTO;

/** The whole bus at one moment. */
public class BusDTO extends DTO {
  /** Whether automatic matching is on for the bus. */
  public boolean autoprobe;
  /** How long a probe may take before the bus gives up on it, in milliseconds. */
  public long probeTimeoutMillis;
  /** Every device, sorted by name. */
  public DeviceDTO[] devices;
  /** Every driver. */
  public DriverDTO[] drivers;
  /** Every management device. */
  public MgmtDevDTO[] mgmtDevices;
}
