// CONNECT, [MQTT-3.1]. Vectors computed by hand from the spec's figures 3.2 to 3.8.
#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

// "MQTT", level 4: the start of every 3.1.1 CONNECT variable header, [MQTT-3.1.2-1/2].
const Buf kProtocol = bytes({0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04});

TEST(Connect, EncodesMinimal) {
  Connect c;
  c.client_id = "abc";
  c.keep_alive_s = 60;
  c.clean_session = true;
  const Buf expected = bytes({0x10, 0x0F,                              // CONNECT, 15
                              0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04,    // protocol
                              0x02,                                    // clean session
                              0x00, 0x3C,                              // keep alive 60
                              0x00, 0x03, 'a', 'b', 'c'});             // client id
  EXPECT_EQ(encode_ok(c), expected);
}

TEST(Connect, EncodesWillUserAndPassword) {
  const Buf will_payload = text_bytes("bye");
  const Buf password = text_bytes("pw");
  Connect c;
  c.client_id = "c1";
  c.keep_alive_s = 10;
  c.clean_session = false;
  c.will = Will{"w/t", view(will_payload), QoS::AtLeastOnce, true};
  c.username = "u";
  c.password = view(password);
  // Flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS 1 0x08 | will 0x04 = 0xEC.
  const Buf expected = bytes({0x10, 0x1F, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x04, 0xEC, 0x00,
                              0x0A, 0x00, 0x02, 'c',  '1',  0x00, 0x03, 'w',  '/',  't',  0x00,
                              0x03, 'b',  'y',  'e',  0x00, 0x01, 'u',  0x00, 0x02, 'p',  'w'});
  EXPECT_EQ(encode_ok(c), expected);

  const auto d = decode_as<Connect>(expected);
  EXPECT_EQ(d.client_id, "c1");
  EXPECT_EQ(d.keep_alive_s, 10);
  EXPECT_FALSE(d.clean_session);
  ASSERT_TRUE(d.will.has_value());
  EXPECT_EQ(d.will->topic, "w/t");
  EXPECT_EQ(str(d.will->payload), "bye");
  EXPECT_EQ(d.will->qos, QoS::AtLeastOnce);
  EXPECT_TRUE(d.will->retain);
  ASSERT_TRUE(d.username.has_value());
  EXPECT_EQ(*d.username, "u");
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(str(*d.password), "pw");
}

TEST(Connect, EncodesEmptyClientIdWillQoS2AndUsernameOnly) {
  Connect c;
  c.client_id = "";  // [MQTT-3.1.3-6]
  c.keep_alive_s = 0;
  c.will = Will{"t", {}, QoS::ExactlyOnce, false};
  c.username = "user";
  // Flags: user 0x80 | will QoS 2 0x10 | will 0x04 | clean 0x02 = 0x96.
  const Buf expected = bytes({0x10, 0x17, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x96, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x04, 'u',
                              's', 'e', 'r'});
  EXPECT_EQ(encode_ok(c), expected);

  const auto d = decode_as<Connect>(expected);
  EXPECT_EQ(d.client_id, "");
  EXPECT_EQ(d.keep_alive_s, 0);
  EXPECT_TRUE(d.clean_session);
  ASSERT_TRUE(d.will.has_value());
  EXPECT_EQ(d.will->topic, "t");
  EXPECT_TRUE(d.will->payload.empty());
  EXPECT_EQ(d.will->qos, QoS::ExactlyOnce);
  EXPECT_FALSE(d.will->retain);
  EXPECT_EQ(d.username, std::optional<std::string_view>("user"));
  EXPECT_FALSE(d.password.has_value());
}

TEST(Connect, DecodesMinimal) {
  const Buf in = packet(0x10, kProtocol + bytes({0x02, 0x01, 0x2C}) + field("sensor-7"));
  const auto d = decode_as<Connect>(in);  // views into `in`
  EXPECT_EQ(d.client_id, "sensor-7");
  EXPECT_EQ(d.keep_alive_s, 300);
  EXPECT_TRUE(d.clean_session);
  EXPECT_FALSE(d.will.has_value());
  EXPECT_FALSE(d.username.has_value());
  EXPECT_FALSE(d.password.has_value());
}

TEST(Connect, EmptyPasswordIsStillAPassword) {
  Connect c;
  c.client_id = "x";
  c.username = "";
  c.password = Bytes{};
  const Buf out = encode_ok(c);
  ASSERT_GE(out.size(), 10u);
  EXPECT_EQ(out[9], 0xC2);  // both flags set
  const auto d = decode_as<Connect>(out);
  ASSERT_TRUE(d.password.has_value());
  EXPECT_TRUE(d.password->empty());
  EXPECT_EQ(d.username, std::optional<std::string_view>(""));
}

// ---- encode errors -----------------------------------------------------------------------

TEST(Connect, EncodeRefusesPasswordWithoutUsername) {  // [MQTT-3.1.2-22]
  const Buf pw = text_bytes("secret");
  Connect c;
  c.client_id = "a";
  c.password = view(pw);
  expect_encode_error(c, EncodeError::PasswordWithoutUsername);
}

TEST(Connect, EncodeRefusesBadStrings) {
  Connect c;
  c.client_id = std::string_view("a\0", 2);
  expect_encode_error(c, EncodeError::InvalidUtf8);
  const std::string huge(65'536, 'a');
  c.client_id = huge;
  expect_encode_error(c, EncodeError::StringTooLong);
  c.client_id = "ok";
  c.username = "\xED\xA0\x80";  // a surrogate
  expect_encode_error(c, EncodeError::InvalidUtf8);
  c.username = huge;
  expect_encode_error(c, EncodeError::StringTooLong);
  c.username = "u";
  const Buf big(65'536, 0x55);
  c.password = view(big);
  expect_encode_error(c, EncodeError::StringTooLong);
  const Buf max(65'535, 0x55);
  c.password = view(max);
  // Body 10 + (2 + 2) + (2 + 1) + (2 + 65,535) = 65,554: three length bytes.
  EXPECT_EQ(encoded_size(c), 1u + 3 + 65'554);
}

TEST(Connect, EncodeRefusesBadWill) {
  Connect c;
  c.client_id = "a";
  c.will = Will{"a/#", {}, QoS::AtMostOnce, false};
  expect_encode_error(c, EncodeError::InvalidTopic);
  c.will->topic = "";
  expect_encode_error(c, EncodeError::InvalidTopic);
  c.will->topic = "\xC0\x80";
  expect_encode_error(c, EncodeError::InvalidUtf8);
  c.will->topic = "ok";
  c.will->qos = static_cast<QoS>(3);  // [MQTT-3.1.2-14]
  expect_encode_error(c, EncodeError::InvalidQoS);
  c.will->qos = QoS::AtMostOnce;
  const Buf big(65'536, 0);
  c.will->payload = view(big);
  expect_encode_error(c, EncodeError::StringTooLong);
}

// ---- decode errors -----------------------------------------------------------------------

Buf connect_with(int flags, const Buf& payload) {
  return packet(0x10, kProtocol + bytes({flags, 0x00, 0x3C}) + payload);
}

TEST(Connect, DecodeRefusesWrongProtocolName) {  // [MQTT-3.1.2-1]
  // MQTT 3.1 used "MQIsdp", level 3.
  EXPECT_EQ(decode_error(packet(0x10, field("MQIsdp") + bytes({0x03, 0x02, 0x00, 0x3C}) +
                                          field("a"))),
            DecodeError::InvalidProtocolName);
  EXPECT_EQ(decode_error(packet(0x10, field("MQTX") + bytes({0x04, 0x02, 0x00, 0x3C}) +
                                          field("a"))),
            DecodeError::InvalidProtocolName);
  EXPECT_EQ(decode_error(packet(0x10, field("mqtt") + bytes({0x04, 0x02, 0x00, 0x3C}) +
                                          field("a"))),
            DecodeError::InvalidProtocolName);
}

TEST(Connect, DecodeReportsOtherProtocolLevels) {  // [MQTT-3.1.2-2]
  EXPECT_EQ(decode_error(packet(0x10, field("MQTT") + bytes({0x03, 0x02, 0x00, 0x3C}) +
                                          field("a"))),
            DecodeError::UnsupportedProtocolLevel);
  // A level 6 CONNECT is reported as a level, not as malformed, so a server can answer
  // "unacceptable protocol version", even with flags that level 4 or 5 would refuse.
  EXPECT_EQ(decode_error(packet(0x10, field("MQTT") + bytes({0x06, 0xFF, 0x00, 0x3C}))),
            DecodeError::UnsupportedProtocolLevel);
}

TEST(Connect, DecodeRefusesReservedFlag) {  // [MQTT-3.1.2-3]
  EXPECT_EQ(decode_error(connect_with(0x03, field("a"))), DecodeError::InvalidConnectFlags);
}

TEST(Connect, DecodeRefusesWillFieldsWithoutWill) {
  // [MQTT-3.1.2-13]: will QoS without the will flag.
  EXPECT_EQ(decode_error(connect_with(0x0A, field("a"))), DecodeError::InvalidConnectFlags);
  EXPECT_EQ(decode_error(connect_with(0x12, field("a"))), DecodeError::InvalidConnectFlags);
  // [MQTT-3.1.2-15]: will retain without the will flag.
  EXPECT_EQ(decode_error(connect_with(0x22, field("a"))), DecodeError::InvalidConnectFlags);
}

TEST(Connect, DecodeRefusesWillQoS3) {  // [MQTT-3.1.2-14]
  EXPECT_EQ(decode_error(connect_with(0x1E, field("a") + field("t") + field("m"))),
            DecodeError::InvalidQoS);
}

TEST(Connect, DecodeRefusesPasswordWithoutUsername) {  // [MQTT-3.1.2-22]
  EXPECT_EQ(decode_error(connect_with(0x42, field("a") + field("pw"))),
            DecodeError::InvalidConnectFlags);
}

TEST(Connect, DecodeRefusesBadStrings) {
  EXPECT_EQ(decode_error(connect_with(0x02, field(std::string_view("a\0", 2)))),
            DecodeError::InvalidUtf8);  // [MQTT-3.1.3-4]
  EXPECT_EQ(decode_error(connect_with(0x06, field("a") + field("\xFF") + field("m"))),
            DecodeError::InvalidUtf8);  // will topic
  EXPECT_EQ(decode_error(connect_with(0x06, field("a") + field("t/+") + field("m"))),
            DecodeError::InvalidTopic);
  EXPECT_EQ(decode_error(connect_with(0x06, field("a") + field("") + field("m"))),
            DecodeError::InvalidTopic);
  EXPECT_EQ(decode_error(connect_with(0x82, field("a") + field("\xED\xBF\xBF"))),
            DecodeError::InvalidUtf8);  // user name, [MQTT-3.1.3-11]
  // The password is binary data: any bytes.
  const Buf in =
      connect_with(0xC2, field("a") + field("u") + bytes({0x00, 0x03, 0x00, 0xFF, 0xC0}));
  const auto d = decode_as<Connect>(in);
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(Buf(d.password->begin(), d.password->end()), bytes({0x00, 0xFF, 0xC0}));
}

TEST(Connect, DecodeRefusesFieldsPastTheEnd) {
  EXPECT_EQ(decode_error(packet(0x10, bytes({0x00, 0x04, 'M', 'Q'}))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0x10, field("MQTT"))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0x10, kProtocol + bytes({0x02, 0x00}))),
            DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(connect_with(0x02, Buf{})), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(connect_with(0x02, bytes({0x00, 0x05, 'a'}))),
            DecodeError::LengthMismatch);
  // Will flag, but no will fields.
  EXPECT_EQ(decode_error(connect_with(0x06, field("a"))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(connect_with(0x06, field("a") + field("t"))),
            DecodeError::LengthMismatch);
  // User name flag, no user name; password flag, no password.
  EXPECT_EQ(decode_error(connect_with(0x82, field("a"))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(connect_with(0xC2, field("a") + field("u"))),
            DecodeError::LengthMismatch);
}

TEST(Connect, DecodeRefusesLeftoverBytes) {  // [MQTT-3.1.3-1]
  EXPECT_EQ(decode_error(connect_with(0x02, field("a") + bytes({0x00}))),
            DecodeError::LengthMismatch);
  // A user name the flags did not announce.
  EXPECT_EQ(decode_error(connect_with(0x02, field("a") + field("u"))),
            DecodeError::LengthMismatch);
}

}  // namespace
}  // namespace codec_test
