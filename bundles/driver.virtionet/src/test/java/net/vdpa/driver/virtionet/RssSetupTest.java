package net.vdpa.driver.virtionet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.vdpa.api.net.VirtioNet;
import org.junit.jupiter.api.Test;

class RssSetupTest {
  private static ByteBuffer config(int keySize, int tableLength, int hashTypes) {
    ByteBuffer b = ByteBuffer.allocate(VirtioNet.CFG_SIZE_RSS).order(ByteOrder.LITTLE_ENDIAN);
    b.put(VirtioNet.CFG_RSS_MAX_KEY_SIZE, (byte) keySize);
    b.putShort(VirtioNet.CFG_RSS_MAX_INDIRECTION_TABLE_LENGTH, (short) tableLength);
    b.putInt(VirtioNet.CFG_SUPPORTED_HASH_TYPES, hashTypes);
    return b;
  }

  @Test
  void spreadsTheTableOverThePairsWithTheHashTypesBothSupport() {
    RssSetup s = RssSetup.of(config(40, 100, 0x1ff), 3);
    assertThat(s).isEqualTo(new RssSetup(RssSetup.WANTED_HASH_TYPES, 64, 3));
    ByteBuffer c = ByteBuffer.wrap(s.command()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(c.capacity()).isEqualTo(4 + 2 + 2 + 2 * 64 + 2 + 1 + 40);
    assertThat(c.getInt(0)).isEqualTo(0x3f);
    assertThat(c.getShort(4)).isEqualTo((short) 63);
    assertThat(c.getShort(6)).as("unclassified").isZero();
    for (int i = 0; i < 64; i++) {
      assertThat(c.getShort(8 + 2 * i)).isEqualTo((short) (i % 3));
    }
    assertThat(c.getShort(8 + 128)).as("max_tx_vq").isEqualTo((short) 3);
    assertThat(c.get(8 + 130)).as("key length").isEqualTo((byte) 40);
    assertThat(RssSetup.of(config(40, 1024, VirtioNet.RSS_HASH_IPV4), 2))
        .isEqualTo(new RssSetup(VirtioNet.RSS_HASH_IPV4, 128, 2));
  }

  @Test
  void hashConfigIsTheHashTypesReservedWordsAndTheKey() {
    ByteBuffer c = ByteBuffer.wrap(RssSetup.hashCommand(config(40, 0, 0x1ff))).order(ByteOrder.LITTLE_ENDIAN);
    // struct virtio_net_hash_config: le32 hash_types, le16 reserved[4], u8 hash_key_length, key
    assertThat(c.capacity()).isEqualTo(4 + 8 + 1 + 40);
    assertThat(c.getInt(0)).isEqualTo(RssSetup.WANTED_HASH_TYPES);
    assertThat(c.getLong(4)).isZero();
    assertThat(c.get(12)).isEqualTo((byte) 40);
    assertThat(c.get(13)).isEqualTo((byte) 0x6d);
    assertThatThrownBy(() -> RssSetup.hashCommand(config(16, 0, 0x3f)))
        .hasMessage("the device's rss_max_key_size 16 is below the 40-byte key");
  }

  @Test
  void aDeviceThatCannotTakeTheKeyOrATableIsNamed() {
    assertThatThrownBy(() -> RssSetup.of(config(16, 128, 0x3f), 2))
        .hasMessage("the device's rss_max_key_size 16 is below the 40-byte key");
    assertThatThrownBy(() -> RssSetup.of(config(40, 0, 0x3f), 2))
        .hasMessage("the device's rss_max_indirection_table_length is 0");
  }
}
