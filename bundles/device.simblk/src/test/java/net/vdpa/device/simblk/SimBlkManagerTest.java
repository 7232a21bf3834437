package net.vdpa.device.simblk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.DevConfig;
import net.vdpa.api.VdpaDevice;
import net.vdpa.api.blk.VirtioBlk;
import net.vdpa.api.log.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vdpa dev add ... num_queues N} on {@code vdpasim_blk}: checked, and what the device then offers. */
class SimBlkManagerTest {
  private final SimBlkManager m = new SimBlkManager((d, p) -> () -> { }, EventLog.NONE);

  @AfterEach
  void close() {
    m.close();
  }

  private static DevConfig queues(String name, Integer n) {
    return new DevConfig(name, null, null, null, null, null, null, null, n);
  }

  private static int configNumQueues(VdpaDevice d) {
    ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
    d.getConfig(VirtioBlk.CFG_NUM_QUEUES, b);
    return Short.toUnsignedInt(b.getShort(0));
  }

  @Test
  void numQueuesSetsTheRequestQueuesAndTheConfigField() {
    VdpaDevice one = m.devAdd(DevConfig.named("q1"));
    assertThat(one.vqCount()).isEqualTo(1);
    assertThat(configNumQueues(one)).isEqualTo(1);
    VdpaDevice four = m.devAdd(queues("q4", 4));
    assertThat(four.vqCount()).isEqualTo(4);
    assertThat(configNumQueues(four)).isEqualTo(4);
    VdpaDevice most = m.devAdd(queues("q8", BlkSpec.MAX_QUEUES));
    assertThat(most.vqCount()).isEqualTo(BlkSpec.MAX_QUEUES);
  }

  @Test
  void badNumQueuesAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> m.validate(queues("b", 0)))
        .hasMessage("num_queues 0: at least one request queue is required");
    assertThatThrownBy(() -> m.validate(queues("b", BlkSpec.MAX_QUEUES + 1)))
        .hasMessage("num_queues 9 is above 8, the most management device vdpasim_blk supports");
    long noMq = SimBlkManager.SUPPORTED_FEATURES & ~VirtioBlk.bit(VirtioBlk.F_MQ);
    assertThatThrownBy(() -> m.validate(new DevConfig("b", null, null, null, noMq, null, null, null, 2)))
        .hasMessage("num_queues 2 needs feature MQ, which device_features 0x" + Long.toHexString(noMq) + " lack");
    assertThat(m.devices()).isEmpty();
  }

  @Test
  void maxVqpIsANetworkAttribute() {
    assertThatThrownBy(() -> m.validate(new DevConfig("b", null, null, 2, null)))
        .hasMessage("management device vdpasim_blk does not support attribute(s) max_vqp: all provided attributes"
            + " are not supported");
  }
}
