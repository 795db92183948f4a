// PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, [MQTT-3.4] .. [MQTT-3.7], [MQTT-3.11].
#include "codec_test.hpp"

namespace codec_test {
namespace {

struct AckCase {
  PacketType type;
  std::uint16_t id;
  Buf wire;
};

const AckCase kAcks[] = {
    {PacketType::Puback, 1, bytes({0x40, 0x02, 0x00, 0x01})},
    {PacketType::Pubrec, 0x1234, bytes({0x50, 0x02, 0x12, 0x34})},
    {PacketType::Pubrel, 0xFFFF, bytes({0x62, 0x02, 0xFF, 0xFF})},  // [MQTT-3.6.1-1]: 0010
    {PacketType::Pubcomp, 7, bytes({0x70, 0x02, 0x00, 0x07})},
    {PacketType::Unsuback, 42, bytes({0xB0, 0x02, 0x00, 0x2A})},
};

TEST(Ack, EncodesEveryType) {
  for (const auto& c : kAcks) {
    const Ack ack{c.type, c.id};
    EXPECT_EQ(encode_ok(ack), c.wire) << name_of(c.type);
    Buf out(4, 0xEE);
    auto n = encode(ack, MutableBytes{out});  // the hot-path overload
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(out, c.wire);
  }
}

TEST(Ack, DecodesEveryType) {
  for (const auto& c : kAcks) {
    const auto d = decode_as<Ack>(c.wire);
    EXPECT_EQ(d.type, c.type) << name_of(c.type);
    EXPECT_EQ(d.packet_id, c.id);
  }
}

TEST(Ack, EncodeRefusesPacketIdZero) {  // [MQTT-2.3.1-1]
  for (const auto& c : kAcks) expect_encode_error(Ack{c.type, 0}, EncodeError::InvalidPacketId);
}

TEST(Ack, EncodeRefusesTypesThatAreNotAcks) {
  for (auto type : {PacketType::Connect, PacketType::Connack, PacketType::Publish,
                    PacketType::Subscribe, PacketType::Suback, PacketType::Unsubscribe,
                    PacketType::Pingreq, PacketType::Pingresp, PacketType::Disconnect,
                    static_cast<PacketType>(0), static_cast<PacketType>(15)}) {
    expect_encode_error(Ack{type, 1}, EncodeError::InvalidPacketType);
  }
}

TEST(Ack, BufferTooSmall) {
  Buf out(3);
  auto r = encode(Ack{PacketType::Puback, 1}, MutableBytes{out});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncodeError::BufferTooSmall);
}

TEST(Ack, DecodeRefusesPacketIdZero) {
  for (int first : {0x40, 0x50, 0x62, 0x70, 0xB0}) {
    EXPECT_EQ(decode_error(bytes({first, 0x02, 0x00, 0x00})), DecodeError::InvalidPacketId)
        << first;
  }
}

TEST(Ack, DecodeRefusesWrongFlags) {  // [MQTT-2.2.2-1]
  EXPECT_EQ(decode_error(bytes({0x60, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x42, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x52, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x72, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0xB2, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
}

}  // namespace
}  // namespace codec_test
