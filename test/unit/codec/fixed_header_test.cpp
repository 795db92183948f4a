// Fixed header, [MQTT-2.2]: remaining length, flags, limits.
#include "codec/wire.hpp"
#include "codec_test.hpp"

namespace codec_test {
namespace {

struct LengthCase {
  std::size_t value;
  Buf encoded;
};

// [MQTT-2.2.3], table 2.4: the boundaries of each encoded size.
const LengthCase kLengths[] = {
    {0, bytes({0x00})},
    {1, bytes({0x01})},
    {127, bytes({0x7F})},
    {128, bytes({0x80, 0x01})},
    {321, bytes({0xC1, 0x02})},
    {16'383, bytes({0xFF, 0x7F})},
    {16'384, bytes({0x80, 0x80, 0x01})},
    {2'097'151, bytes({0xFF, 0xFF, 0x7F})},
    {2'097'152, bytes({0x80, 0x80, 0x80, 0x01})},
    {268'435'455, bytes({0xFF, 0xFF, 0xFF, 0x7F})},
};

TEST(RemainingLength, WritesSpecTable) {
  for (const auto& c : kLengths) {
    Buf out(8, 0xEE);
    mqtt_setup::codec::detail::Writer w{out.data()};
    w.remaining_length(c.value);
    EXPECT_EQ(Buf(out.begin(), out.begin() + static_cast<long>(c.encoded.size())), c.encoded)
        << c.value;
    EXPECT_EQ(out[c.encoded.size()], 0xEE) << c.value;
    EXPECT_EQ(mqtt_setup::codec::detail::remaining_length_size(c.value), c.encoded.size());
  }
}

TEST(RemainingLength, ReadsSpecTable) {
  for (const auto& c : kLengths) {
    const Buf in = bytes({0x30}) + c.encoded;  // PUBLISH: any length is plausible
    auto h = decode_fixed_header(view(in));
    ASSERT_TRUE(h.ok()) << c.value;
    EXPECT_EQ(h->type, PacketType::Publish);
    EXPECT_EQ(h->flags, 0);
    EXPECT_EQ(h->remaining_length, c.value);
    EXPECT_EQ(h->header_size, 1 + c.encoded.size());
    EXPECT_EQ(h->packet_size(), 1 + c.encoded.size() + c.value);
    // Every shorter prefix of the header is incomplete.
    for (std::size_t n = 0; n < in.size(); ++n) {
      auto partial = decode_fixed_header(Bytes{in.data(), n});
      ASSERT_FALSE(partial.ok());
      EXPECT_EQ(partial.error(), DecodeError::Incomplete) << c.value << " prefix " << n;
    }
  }
}

TEST(RemainingLength, NonMinimalEncodingIsReadByValue) {
  // 3.1.1 does not forbid padding with 0x80 (MQTT 5 does); read it by its value.
  auto h = decode_fixed_header(view(bytes({0x30, 0x85, 0x00})));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->remaining_length, 5u);
  EXPECT_EQ(h->header_size, 3u);
}

TEST(RemainingLength, FifthByteIsMalformed) {  // [MQTT-2.2.3]
  auto h = decode_fixed_header(view(bytes({0x30, 0x80, 0x80, 0x80, 0x80})));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error(), DecodeError::MalformedRemainingLength);
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F})),
            DecodeError::MalformedRemainingLength);
  // Four continuation bytes are not yet known to be malformed.
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF, 0xFF})), DecodeError::Incomplete);
}

TEST(FixedHeader, HostileLengthIsRefusedBeforeTheBody) {
  const DecodeLimits limits{1024};
  // 256 MB announced, no body: refused at once, not waited for.
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F}), limits),
            DecodeError::PacketTooLarge);
  auto h = decode_fixed_header(view(bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F})), limits);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error(), DecodeError::PacketTooLarge);
  // Even before the length is complete when what is known already exceeds the limit.
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF}), limits), DecodeError::PacketTooLarge);
  // But a length that may still fit waits for its last byte.
  EXPECT_EQ(decode_error(bytes({0x30, 0x80}), limits), DecodeError::Incomplete);
}

TEST(FixedHeader, LimitIsOnTheWholePacket) {
  const DecodeLimits limits{10};
  // Header 2 + body 8 = 10: allowed; one more byte is not.
  auto ok = decode_fixed_header(view(bytes({0x30, 0x08})), limits);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->packet_size(), 10u);
  auto big = decode_fixed_header(view(bytes({0x30, 0x09})), limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error(), DecodeError::PacketTooLarge);
  // A complete packet over the limit is refused too, not only a partial one.
  EXPECT_EQ(decode_error(packet(0x30, field("t") + text_bytes("0123456")), limits),
            DecodeError::PacketTooLarge);
}

TEST(FixedHeader, DefaultLimitAcceptsTheLargestLength) {
  auto h = decode_fixed_header(view(bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F})));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->remaining_length, kMaxRemainingLength);
  EXPECT_EQ(decode_error(bytes({0x30, 0xFF, 0xFF, 0xFF, 0x7F})), DecodeError::Incomplete);
}

TEST(FixedHeader, ReservedPacketTypes) {  // [MQTT-2.2.1]: 0 and 15 are reserved
  EXPECT_EQ(decode_error(bytes({0x00, 0x00})), DecodeError::UnknownPacketType);
  EXPECT_EQ(decode_error(bytes({0xF0, 0x00})), DecodeError::UnknownPacketType);
  // Known from the first byte: no need to wait for the length.
  EXPECT_EQ(decode_error(bytes({0xF0})), DecodeError::UnknownPacketType);
}

// [MQTT-2.2.2-1], [MQTT-2.2.2-2]: every type's flags, all 16 values.
TEST(FixedHeader, FlagsOfEveryType) {
  for (int type = 1; type <= 14; ++type) {
    for (int flags = 0; flags < 16; ++flags) {
      const Buf in = bytes({type << 4 | flags});  // the first byte alone decides
      auto h = decode_fixed_header(view(in));
      ASSERT_FALSE(h.ok());
      DecodeError expected = DecodeError::Incomplete;
      if (type == 3) {
        if (((flags >> 1) & 3) == 3) {
          expected = DecodeError::InvalidQoS;  // [MQTT-3.3.1-4]
        } else if ((flags & 0x8) != 0 && ((flags >> 1) & 3) == 0) {
          expected = DecodeError::InvalidFixedHeaderFlags;  // [MQTT-3.3.1-2]
        }
      } else if (type == 6 || type == 8 || type == 10) {
        if (flags != 2) expected = DecodeError::InvalidFixedHeaderFlags;
      } else if (flags != 0) {
        expected = DecodeError::InvalidFixedHeaderFlags;
      }
      EXPECT_EQ(h.error(), expected) << "type " << type << " flags " << flags;
    }
  }
}

TEST(FixedHeader, SpotChecksOfFlags) {
  EXPECT_EQ(decode_error(bytes({0x60, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00})),
            DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0xA0, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61})),
            DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x41, 0x02, 0x00, 0x01})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0xC1, 0x00})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x12, 0x00})), DecodeError::InvalidFixedHeaderFlags);
  EXPECT_EQ(decode_error(bytes({0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01})),
            DecodeError::InvalidQoS);
  EXPECT_EQ(decode_error(bytes({0x38, 0x03, 0x00, 0x01, 0x61})),
            DecodeError::InvalidFixedHeaderFlags);
}

TEST(FixedHeader, FixedLengthPacketsAreCheckedEarly) {
  // A PUBACK announcing 3 bytes is wrong before any of them arrive.
  auto h = decode_fixed_header(view(bytes({0x40, 0x03})));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error(), DecodeError::LengthMismatch);
  for (int first : {0x20, 0x40, 0x50, 0x62, 0x70, 0xB0}) {
    EXPECT_EQ(decode_error(bytes({first, 0x01, 0x00})), DecodeError::LengthMismatch) << first;
    EXPECT_EQ(decode_error(bytes({first, 0x03, 0x00, 0x01, 0x00})), DecodeError::LengthMismatch)
        << first;
    EXPECT_EQ(decode_error(bytes({first, 0x00})), DecodeError::LengthMismatch) << first;
  }
  for (int first : {0xC0, 0xD0, 0xE0}) {
    EXPECT_EQ(decode_error(bytes({first, 0x01, 0x00})), DecodeError::LengthMismatch) << first;
  }
}

}  // namespace
}  // namespace codec_test
