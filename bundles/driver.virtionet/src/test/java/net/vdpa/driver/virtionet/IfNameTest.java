package net.vdpa.driver.virtionet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IfNameTest {

  @Test
  void vdpaNKeepsItsNumber() {
    assertThat(IfName.of("vdpa0")).isEqualTo("vnet0");
    assertThat(IfName.of("vdpa17")).isEqualTo("vnet17");
    assertThat(IfName.of("vdpa00")).isEqualTo("vnet00");
  }

  @Test
  void otherNamesArePrefixed() {
    assertThat(IfName.of("left")).isEqualTo("vnet-left");
    assertThat(IfName.of("jumbo")).isEqualTo("vnet-jumbo");
    assertThat(IfName.of("vdpa")).isEqualTo("vnet-vdpa");
    assertThat(IfName.of("vdpa0a")).isEqualTo("vnet-vdpa0a");
    assertThat(IfName.of("abcdefghij")).isEqualTo("vnet-abcdefghij");
  }

  @Test
  void longNamesAreCutAndHashedWithinIfnamsiz() {
    String a = IfName.of("longname-number-one");
    String b = IfName.of("longname-number-two");
    assertThat(a).hasSize(15).startsWith("vnet-longna").matches("vnet-longna[0-9a-f]{4}");
    assertThat(b).hasSize(15).startsWith("vnet-longna");
    assertThat(a).isNotEqualTo(b);
    assertThat(IfName.of("vdpa12345678901234")).hasSize(15).startsWith("vnet-vdpa12");
  }

  @Test
  void sameDeviceSameNameEveryTime() {
    assertThat(IfName.of("longname-number-one")).isEqualTo(IfName.of("longname-number-one"));
    // pinned: the hash must not change between releases, or kept scripts break
    assertThat(IfName.of("longname-number-one")).isEqualTo("vnet-longnae085");
  }

  @Test
  void unsafeCharactersBecomeUnderscores() {
    assertThat(IfName.of("a/b c")).isEqualTo("vnet-a_b_c");
  }
}
