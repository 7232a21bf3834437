package net.vdpa.driver.passthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupTableTest {
  @Test
  void configuredGroupsKeepTheirIdsAndOthersGetTheLowestFreeOne() {
    GroupTable t = new GroupTable(new String[] {"0=a,b", " 2 = c "});
    assertThat(t.groupOf("b")).isZero();
    assertThat(t.members(0)).containsExactly("a", "b");
    assertThat(t.groupOf("x")).isEqualTo(1);
    assertThat(t.groupOf("y")).isEqualTo(3);
    assertThat(t.members(3)).isEqualTo(List.of("y"));
    t.forget("x");
    assertThat(t.groupOf("z")).isEqualTo(1);
  }

  @Test
  void badEntriesAreRefusedNamingThem() {
    assertThatThrownBy(() -> new GroupTable(new String[] {"a,b"})).hasMessage("iommu group 'a,b' is not ID=device,device");
    assertThatThrownBy(() -> new GroupTable(new String[] {"x=a"})).hasMessage("iommu group id 'x' is not a number");
    assertThatThrownBy(() -> new GroupTable(new String[] {"1=a", "1=b"})).hasMessage("iommu group id 1 is given twice");
    assertThatThrownBy(() -> new GroupTable(new String[] {"1=a", "2=a"})).hasMessage("device a is in iommu groups 1 and 2");
    assertThatThrownBy(() -> new GroupTable(new String[] {"1= , "})).hasMessage("iommu group 1 lists no device");
  }
}
