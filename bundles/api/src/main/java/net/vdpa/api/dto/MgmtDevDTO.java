package net.vdpa.api.dto;

import org.osgi.dto.DTO;

/** One management device: what it can create and what it has created. */
public class MgmtDevDTO extends DTO {
  /** The handle ({@code vdpasim_net}, {@code pci/0000:03:00.0}). */
  public String handle;
  /** Device classes it can create ({@code net}, {@code block}). */
  public String[] supportedClasses;
  /** Feature bits its devices can offer. */
  public long supportedFeatures;
  /** The most virtqueues one device can have. */
  public int maxSupportedVqs;
  /** The optional {@code dev add} attributes it accepts, as iproute2 keywords. */
  public String[] acceptedAttributes;
  /** The devices it created and still holds. */
  public String[] devices;
  /** Its service id. */
  public long serviceId;
}
