package net.vdpa.driver.passthrough;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code vfio_vdpa} driver (PID {@code net.vdpa.driver.passthrough}). */
@ObjectClassDefinition(name = "vDPA passthrough driver (vfio_vdpa)")
public @interface DriverConfig {
  /** How long the owner of an open handle has to close it once asked, before it is revoked. */
  @AttributeDefinition(name = "Grace period (ms)", min = "0")
  long grace_ms() default 2000;

  /** The most mappings one container holds (VFIO's {@code dma_entry_limit}). */
  @AttributeDefinition(name = "DMA entry limit", min = "1")
  int dma_entry_limit() default 65535;

  /** Multi-device IOMMU groups, each {@code ID=device,device}; any other device is a group of its own. */
  @AttributeDefinition(name = "IOMMU groups", required = false)
  String[] iommu_groups() default {};
}
