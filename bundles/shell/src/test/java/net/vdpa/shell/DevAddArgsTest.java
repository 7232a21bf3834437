package net.vdpa.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevAddArgsTest {
  private static DevAddArgs parse(String line) {
    return DevAddArgs.parse(List.of(line.split(" ")));
  }

  @Test
  void everyAttribute() {
    DevAddArgs a = parse("name foo mgmtdev vdpasim_net device_features 0x300000020 mac 00:11:22:33:44:55 mtu 9000 max_vqp 4");
    assertThat(a.mgmtdev()).isEqualTo("vdpasim_net");
    assertThat(a.config().name()).isEqualTo("foo");
    assertThat(a.config().deviceFeatures()).isEqualTo(0x3_0000_0020L);
    assertThat(a.config().mac().toString()).isEqualTo("00:11:22:33:44:55");
    assertThat(a.config().mtu()).isEqualTo(9000);
    assertThat(a.config().maxVqp()).isEqualTo(4);
  }

  @Test
  void errorsAreTheOnesUsersKnow() {
    assertThatThrownBy(() -> parse("mgmtdev vdpasim_net")).hasMessage("device name is not set.");
    assertThatThrownBy(() -> parse("name foo")).hasMessage("management device handle not set.");
    assertThatThrownBy(() -> parse("name foo mgmtdev m mtu 40")).hasMessage("mtu 40 is below 68");
    assertThatThrownBy(() -> parse("name foo mgmtdev m max_vqp 0")).hasMessage("max_vqp 0: at least one pair of VQs is required");
    assertThatThrownBy(() -> parse("name foo mgmtdev m mac 00:11:22")).hasMessage(
        "malformed mac address '00:11:22': expected six hex octets like 00:11:22:33:44:55");
    assertThatThrownBy(() -> parse("name foo mgmtdev m colour red")).hasMessage(
        "unknown attribute 'colour': expected name, mgmtdev, device_features, mac, mtu, max_vqp, capacity, file, ro or num_queues");
    assertThatThrownBy(() -> parse("name foo mgmtdev m mtu")).hasMessage("attribute mtu needs a value");
    assertThatThrownBy(() -> parse("name foo mgmtdev m mtu big")).hasMessage("mtu 'big' is not a number");
    assertThatThrownBy(() -> parse("name foo mgmtdev m device_features xyz")).hasMessage("device_features 'xyz' is not a hexadecimal number");
    assertThatThrownBy(() -> parse("name -bad mgmtdev m")).hasMessageStartingWith("device name '-bad' is not valid");
  }

  @Test
  void blockAttributes() {
    DevAddArgs a = parse("name blk0 mgmtdev vdpasim_blk capacity 1G file /var/tmp/blk0.img ro");
    assertThat(a.config().capacity()).isEqualTo(1L << 30);
    assertThat(a.config().file()).isEqualTo("/var/tmp/blk0.img");
    assertThat(a.config().readOnly()).isTrue();
    DevAddArgs b = parse("name blk0 ro mgmtdev vdpasim_blk capacity 4096");
    assertThat(b.config().capacity()).isEqualTo(4096);
    assertThat(b.config().readOnly()).isTrue();
    assertThat(b.config().file()).isNull();
    assertThat(parse("name blk0 mgmtdev vdpasim_blk file rel/x.img").config().file())
        .isEqualTo(java.nio.file.Path.of("rel/x.img").toAbsolutePath().toString());
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m capacity 12X")).hasMessage(
        "capacity '12X' is not a size (bytes, or a number followed by K, M, G or T)");
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m capacity 99999999999T")).hasMessage(
        "capacity '99999999999T' is not a size (bytes, or a number followed by K, M, G or T)");
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m capacity 1000")).hasMessage(
        "capacity 1000 is not a positive number of 512-byte sectors");
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m file")).hasMessage("attribute file needs a value");
  }

  @Test
  void numQueuesIsANumberOfOneOrMore() {
    assertThat(parse("name blk0 mgmtdev vdpasim_blk num_queues 4").config().numQueues()).isEqualTo(4);
    assertThat(parse("name blk0 mgmtdev vdpasim_blk").config().numQueues()).isNull();
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m num_queues 0"))
        .hasMessage("num_queues 0: at least one request queue is required");
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m num_queues many")).hasMessage("num_queues 'many' is not a number");
    assertThatThrownBy(() -> parse("name blk0 mgmtdev m num_queues 70000")).hasMessage("num_queues 70000 is above 65535");
  }
}
