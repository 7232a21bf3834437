package net.vdpa.api.dto;

import org.osgi.dto.DTO;

/** One driver on the bus and the devices it holds. */
public class DriverDTO extends DTO {
  /** The driver name. */
  public String name;
  /** Its {@code service.ranking}. */
  public int ranking;
  /** Its service id. */
  public long serviceId;
  /** The id of the bundle that registered it. */
  public long bundleId;
  /** The names of the devices it holds, sorted. */
  public String[] devices;
}
