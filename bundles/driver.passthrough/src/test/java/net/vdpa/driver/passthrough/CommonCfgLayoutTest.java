package net.vdpa.driver.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.vdpa.api.passthrough.CommonCfg;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every offset and width of {@link CommonCfg} against {@code struct virtio_pci_common_cfg} as a C
 * compiler lays it out from {@code linux/virtio_pci.h}. Skipped, with one message, where gcc or the
 * kernel header is missing.
 */
class CommonCfgLayoutTest {
  static final Path HEADER = Path.of("/usr/include/linux/virtio_pci.h");

  /** Field name in the header to its offset constant here. */
  static final Map<String, Integer> FIELDS = new LinkedHashMap<>();

  static {
    FIELDS.put("device_feature_select", CommonCfg.DEVICE_FEATURE_SELECT);
    FIELDS.put("device_feature", CommonCfg.DEVICE_FEATURE);
    FIELDS.put("guest_feature_select", CommonCfg.GUEST_FEATURE_SELECT);
    FIELDS.put("guest_feature", CommonCfg.GUEST_FEATURE);
    FIELDS.put("msix_config", CommonCfg.MSIX_CONFIG);
    FIELDS.put("num_queues", CommonCfg.NUM_QUEUES);
    FIELDS.put("device_status", CommonCfg.DEVICE_STATUS);
    FIELDS.put("config_generation", CommonCfg.CONFIG_GENERATION);
    FIELDS.put("queue_select", CommonCfg.QUEUE_SELECT);
    FIELDS.put("queue_size", CommonCfg.QUEUE_SIZE);
    FIELDS.put("queue_msix_vector", CommonCfg.QUEUE_MSIX_VECTOR);
    FIELDS.put("queue_enable", CommonCfg.QUEUE_ENABLE);
    FIELDS.put("queue_notify_off", CommonCfg.QUEUE_NOTIFY_OFF);
    FIELDS.put("queue_desc_lo", CommonCfg.QUEUE_DESC_LO);
    FIELDS.put("queue_desc_hi", CommonCfg.QUEUE_DESC_HI);
    FIELDS.put("queue_avail_lo", CommonCfg.QUEUE_AVAIL_LO);
    FIELDS.put("queue_avail_hi", CommonCfg.QUEUE_AVAIL_HI);
    FIELDS.put("queue_used_lo", CommonCfg.QUEUE_USED_LO);
    FIELDS.put("queue_used_hi", CommonCfg.QUEUE_USED_HI);
  }

  @TempDir Path dir;

  @Test
  void everyOffsetAndWidthMatchesLinuxVirtioPciH() throws Exception {
    Assumptions.assumeTrue(run(List.of("gcc", "--version")) != null && Files.isReadable(HEADER),
        "C layout test skipped: needs gcc and " + HEADER + " (install gcc and linux-libc-dev)");
    StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/virtio_pci.h>\n")
        .append("#define F(f) printf(\"%s %zu %zu\\n\", #f, offsetof(struct virtio_pci_common_cfg, f),"
            + " sizeof(((struct virtio_pci_common_cfg *)0)->f))\n")
        .append("int main(void) {\n");
    for (String f : FIELDS.keySet()) {
      c.append("  F(").append(f).append(");\n");
    }
    c.append("  printf(\"size %zu 0\\n\", sizeof(struct virtio_pci_common_cfg));\n")
        .append("  printf(\"no_vector %d 0\\n\", VIRTIO_MSI_NO_VECTOR);\n  return 0;\n}\n");
    Path src = dir.resolve("cfg.c");
    Files.writeString(src, c);
    Path exe = dir.resolve("cfg");
    assertThat(run(List.of("gcc", "-Wall", "-Werror", "-o", exe.toString(), src.toString()))).as("gcc").isNotNull();
    String out = run(List.of(exe.toString()));
    assertThat(out).isNotNull();
    Map<String, long[]> seen = new LinkedHashMap<>();
    for (String line : out.strip().split("\n")) {
      String[] p = line.split(" ");
      seen.put(p[0], new long[] {Long.parseLong(p[1]), Long.parseLong(p[2])});
    }
    for (Map.Entry<String, Integer> f : FIELDS.entrySet()) {
      long[] cSide = seen.get(f.getKey());
      assertThat(cSide[0]).as("offset of " + f.getKey()).isEqualTo((long) f.getValue());
      assertThat(cSide[1]).as("width of " + f.getKey()).isEqualTo((long) CommonCfg.widthAt(f.getValue()));
    }
    assertThat(seen.get("size")[0]).as("sizeof").isEqualTo((long) CommonCfg.SIZE);
    assertThat(seen.get("no_vector")[0]).as("VIRTIO_MSI_NO_VECTOR").isEqualTo((long) CommonCfg.NO_VECTOR);
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      return null;
    }
    return out;
  }
}
