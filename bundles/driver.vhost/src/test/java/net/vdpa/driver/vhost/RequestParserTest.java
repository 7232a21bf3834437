package net.vdpa.driver.vhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Messages become typed requests, or a protocol error naming the request and the bad field. */
class RequestParserTest {
  private final RequestParser parser = new RequestParser(4, 1024, 12);

  private static Message message(int request, ByteBuffer payload) {
    Message m = new Message(ByteBuffer.allocate(Message.MAX_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN));
    m.request = request;
    m.flags = Message.VERSION;
    m.size = payload == null ? 0 : payload.remaining();
    if (payload != null) {
      m.payload.put(0, payload, 0, m.size);
    }
    return m;
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void fieldsArriveTyped() throws Exception {
    assertThat(parser.parse(message(Message.SET_FEATURES, le(8).putLong(0, 1L << 32))))
        .isEqualTo(new Request.SetFeatures(1L << 32));
    assertThat(parser.parse(message(Message.SET_VRING_NUM, le(8).putInt(0, 3).putInt(4, 256))))
        .isEqualTo(new Request.SetVringNum(3, 256));
    assertThat(parser.parse(message(Message.SET_VRING_ADDR,
        le(40).putInt(0, 1).putLong(8, 0x1000).putLong(16, 0x3000).putLong(24, 0x2000))))
        .isEqualTo(new Request.SetVringAddr(1, 0x1000, 0x3000, 0x2000));
    assertThat(parser.parse(message(Message.SET_VRING_KICK, le(8).putLong(0, 2 | Message.VRING_NOFD))))
        .isEqualTo(new Request.SetVringFd(Request.FdKind.KICK, 2, -1));
    assertThat(parser.parse(message(Message.SET_VRING_ENABLE, le(8).putInt(0, 0).putInt(4, 1))))
        .isEqualTo(new Request.SetVringEnable(0, true));
    assertThat(parser.parse(message(Message.GET_CONFIG, le(12 + 6).putInt(0, 0).putInt(4, 6).putInt(8, 0))))
        .isEqualTo(new Request.GetConfig(0, 6, 0));
    assertThat(parser.parse(message(Message.SET_STATUS, le(8).putLong(0, 0x0f))))
        .isEqualTo(new Request.SetStatus(0x0f));
  }

  @Test
  void errorsNameTheRequestAndTheField() {
    assertThatThrownBy(() -> parser.parse(message(Message.SET_VRING_NUM, le(8).putInt(0, 4).putInt(4, 256))))
        .isInstanceOf(ProtocolException.class).hasMessage("SET_VRING_NUM vring index 4 is outside 0..3");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_VRING_NUM, le(8).putInt(0, 0).putInt(4, 2048))))
        .hasMessage("SET_VRING_NUM 2048 for vring 0 is not in 1..1024");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_VRING_ENABLE, le(8).putInt(0, 0).putInt(4, 2))))
        .hasMessage("SET_VRING_ENABLE 2 for vring 0 is not 0 or 1");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_VRING_ADDR, le(40).putInt(0, 0).putInt(4, 1))))
        .hasMessage("SET_VRING_ADDR asks for dirty logging on vring 0, but LOG_ALL was not negotiated");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_VRING_CALL, le(8).putLong(0, 0x1_0000))))
        .hasMessage("SET_VRING_CALL value 0x10000 has bits other than the index and NOFD");
    assertThatThrownBy(() -> parser.parse(message(Message.GET_CONFIG, le(12 + 6).putInt(0, 8).putInt(4, 6))))
        .hasMessage("GET_CONFIG of 6 bytes at offset 8 leaves the 12-byte config space");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_STATUS, le(8).putLong(0, 0x100))))
        .hasMessage("SET_STATUS 0x100 is not a status byte");
    assertThatThrownBy(() -> parser.parse(message(Message.GET_FEATURES, le(4))))
        .hasMessage("GET_FEATURES payload is 4 bytes, expected 0");
    assertThatThrownBy(() -> parser.parse(message(Message.SET_LOG_BASE, le(8))))
        .hasMessage("SET_LOG_BASE is not implemented by this backend (its feature was not offered)");
    assertThatThrownBy(() -> parser.parse(message(99, null)))
        .hasMessage("request 99 is not implemented by this backend (unknown request)");
  }
}
