// CONNACK, [MQTT-3.2].
#include "codec_test.hpp"

namespace codec_test {
namespace {

TEST(Connack, EncodesAndDecodesEveryReturnCode) {
  for (int code = 0; code <= 5; ++code) {
    Connack c;
    c.return_code = static_cast<ConnectReturnCode>(code);
    const Buf expected = bytes({0x20, 0x02, 0x00, code});
    EXPECT_EQ(encode_ok(c), expected);
    const auto d = decode_as<Connack>(expected);
    EXPECT_EQ(d.return_code, c.return_code);
    EXPECT_FALSE(d.session_present);
  }
}

TEST(Connack, SessionPresent) {
  Connack c;
  c.session_present = true;
  EXPECT_EQ(encode_ok(c), bytes({0x20, 0x02, 0x01, 0x00}));
  const auto d = decode_as<Connack>(bytes({0x20, 0x02, 0x01, 0x00}));
  EXPECT_TRUE(d.session_present);
  EXPECT_EQ(d.return_code, ConnectReturnCode::Accepted);
}

TEST(Connack, RefusalNeverClaimsASession) {  // [MQTT-3.2.2-4]
  Connack c;
  c.session_present = true;
  c.return_code = ConnectReturnCode::BadUsernameOrPassword;
  EXPECT_EQ(encode_ok(c), bytes({0x20, 0x02, 0x00, 0x04}));
  EXPECT_EQ(decode_error(bytes({0x20, 0x02, 0x01, 0x04})), DecodeError::InvalidConnackFlags);
}

TEST(Connack, DecodeRefusesReservedFlags) {  // [MQTT-3.2.2.1]
  for (int flags : {0x02, 0x80, 0xFE, 0x03}) {
    EXPECT_EQ(decode_error(bytes({0x20, 0x02, flags, 0x00})), DecodeError::InvalidConnackFlags)
        << flags;
  }
}

TEST(Connack, DecodeRefusesReservedReturnCodes) {  // [MQTT-3.2.2.3]: 6..255 reserved
  for (int code : {0x06, 0x07, 0x80, 0xFF}) {
    EXPECT_EQ(decode_error(bytes({0x20, 0x02, 0x00, code})), DecodeError::InvalidConnackReturnCode)
        << code;
  }
}

TEST(Connack, DecodeRefusesWrongLength) {
  EXPECT_EQ(decode_error(bytes({0x20, 0x01, 0x00})), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(bytes({0x20, 0x03, 0x00, 0x00, 0x00})), DecodeError::LengthMismatch);
}

}  // namespace
}  // namespace codec_test
