// SUBACK, [MQTT-3.9].
#include "codec_test.hpp"

namespace codec_test {
namespace {

TEST(Suback, EncodesGrantedAndRefused) {
  const Buf codes = bytes({0x01, kSubackFailure, 0x02, 0x00});
  Suback s;
  s.packet_id = 1;
  s.return_codes = view(codes);
  const Buf expected = bytes({0x90, 0x06, 0x00, 0x01, 0x01, 0x80, 0x02, 0x00});
  EXPECT_EQ(encode_ok(s), expected);

  const auto d = decode_as<Suback>(expected);
  EXPECT_EQ(d.packet_id, 1);
  EXPECT_EQ(Buf(d.return_codes.begin(), d.return_codes.end()), codes);
}

TEST(Suback, SingleCode) {
  const Buf codes = bytes({0x80});
  Suback s;
  s.packet_id = 0x0203;
  s.return_codes = view(codes);
  EXPECT_EQ(encode_ok(s), bytes({0x90, 0x03, 0x02, 0x03, 0x80}));
}

TEST(Suback, EncodeErrors) {
  const Buf codes = bytes({0x00});
  Suback s;
  s.packet_id = 0;
  s.return_codes = view(codes);
  expect_encode_error(s, EncodeError::InvalidPacketId);
  s.packet_id = 1;
  s.return_codes = {};
  expect_encode_error(s, EncodeError::EmptyFilterList);  // [MQTT-3.9.3-1]: one per filter
  for (int bad : {0x03, 0x04, 0x7F, 0x81, 0xFF}) {
    const Buf bad_codes = bytes({0x00, bad});
    s.return_codes = view(bad_codes);
    expect_encode_error(s, EncodeError::InvalidQoS);
  }
}

TEST(Suback, DecodeRefusesReservedReturnCodes) {  // [MQTT-3.9.3-2]
  for (int bad : {0x03, 0x04, 0x7F, 0x81, 0xFF}) {
    EXPECT_EQ(decode_error(bytes({0x90, 0x04, 0x00, 0x01, 0x00, bad})),
              DecodeError::InvalidSubackReturnCode)
        << bad;
  }
}

TEST(Suback, DecodeRefusesPacketIdZero) {
  EXPECT_EQ(decode_error(bytes({0x90, 0x03, 0x00, 0x00, 0x00})), DecodeError::InvalidPacketId);
}

TEST(Suback, DecodeRefusesNoCodes) {
  EXPECT_EQ(decode_error(bytes({0x90, 0x02, 0x00, 0x01})), DecodeError::EmptyFilterList);
}

TEST(Suback, DecodeRefusesMissingId) {
  EXPECT_EQ(decode_error(bytes({0x90, 0x01, 0x00})), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(bytes({0x90, 0x00})), DecodeError::LengthMismatch);
}

TEST(Suback, DecodeRefusesFlags) {
  EXPECT_EQ(decode_error(bytes({0x92, 0x03, 0x00, 0x01, 0x00})),
            DecodeError::InvalidFixedHeaderFlags);
}

}  // namespace
}  // namespace codec_test
