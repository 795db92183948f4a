// MQTT 5.0 CONNECT, CONNACK and PUBLISH ([MQTT-3.1] to [MQTT-3.3]) encoded to exact bytes and
// decoded back; the same structs under 3.1.1 encode as 3.1.1 did, 5.0 fields ignored.
// The other packet types are in v5_acks_test.cpp.
#include "v5_codec_test.hpp"

namespace codec_test {
namespace {

using I = PropertyId;

// ---------------------------------------------------------------------------------------------
// CONNECT [MQTT-3.1]: properties after the keep alive, will properties before the will topic.

// Every property CONNECT may carry ([MQTT-3.1.2.11]), 35 bytes.
const Buf kConnectProps = bytes({
    0x11, 0x00, 0x00, 0x00, 0x78,               // session expiry interval 120
    0x21, 0x00, 0x0A,                           // receive maximum 10
    0x27, 0x00, 0x00, 0x10, 0x00,               // maximum packet size 4096
    0x22, 0x00, 0x10,                           // topic alias maximum 16
    0x19, 0x01,                                 // request response information 1
    0x17, 0x00,                                 // request problem information 0
    0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',     // user property a=b
    0x15, 0x00, 0x01, 'M',                      // authentication method "M"
    0x16, 0x00, 0x01, 0xAA});                   // authentication data AA
const Buf kConnectWire =
    bytes({0x10, 0x31,                                // CONNECT, 10 + 1 + 35 + 3 = 49
           0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05,      // "MQTT", level 5
           0x02, 0x00, 0x1E}) +                       // clean start, keep alive 30
    props(kConnectProps) + field("c");

TEST(V5Connect, EveryConnectPropertyEncodesAndDecodes) {
  Connect c;
  c.version = kV5;
  c.properties = as_properties(kConnectProps);
  c.client_id = "c";
  c.keep_alive_s = 30;
  EXPECT_EQ(encode_v5(c), kConnectWire);
  EXPECT_EQ(encode_as(c, kV311), kConnectWire);  // Connect::version decides, not encode()'s

  const auto d = decode_v5<Connect>(kConnectWire);
  EXPECT_EQ(d.version, kV5);
  EXPECT_EQ(d.client_id, "c");
  EXPECT_EQ(d.keep_alive_s, 30);
  EXPECT_TRUE(d.clean_session);
  EXPECT_FALSE(d.will.has_value());
  EXPECT_FALSE(d.username.has_value());
  EXPECT_FALSE(d.password.has_value());
  EXPECT_EQ(to_buf(d.properties.wire()), kConnectProps);
  EXPECT_EQ(d.properties.number_or(I::SessionExpiryInterval, 0), 120u);
  EXPECT_EQ(d.properties.number_or(I::ReceiveMaximum, 0), 10u);
  EXPECT_EQ(d.properties.number_or(I::MaximumPacketSize, 0), 4096u);
  EXPECT_EQ(d.properties.number_or(I::TopicAliasMaximum, 0), 16u);
  EXPECT_EQ(d.properties.number_or(I::RequestResponseInformation, 0), 1u);
  EXPECT_EQ(d.properties.number_or(I::RequestProblemInformation, 1), 0u);
  EXPECT_EQ(d.properties.find(I::UserProperty)->value, "b");
  EXPECT_EQ(d.properties.find(I::AuthenticationMethod)->text, "M");
  EXPECT_EQ(to_buf(d.properties.find(I::AuthenticationData)->binary), bytes({0xAA}));
  // The same limits as 3.1.1 would read it too: CONNECT carries its own level.
  EXPECT_EQ(decode_as<Connect>(kConnectWire).version, kV5);
}

// Every property a will may carry ([MQTT-3.1.3.2]), 31 bytes.
const Buf kWillProps = bytes({
    0x18, 0x00, 0x00, 0x00, 0x05,            // will delay interval 5
    0x01, 0x01,                              // payload format indicator 1
    0x02, 0x00, 0x00, 0x0E, 0x10,            // message expiry interval 3600
    0x03, 0x00, 0x01, 't',                   // content type "t"
    0x08, 0x00, 0x01, 'r',                   // response topic "r"
    0x09, 0x00, 0x01, 0x07,                  // correlation data 07
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v'});  // user property k=v
// Flags: user 0x80 | password 0x40 | will retain 0x20 | will QoS 1 0x08 | will 0x04 = 0xEC.
const Buf kConnectWillWire =
    bytes({0x10, 0x3B, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0xEC, 0x00, 0x00,
           0x00}) +  // no CONNECT properties; 10 + 1 + 4 + 32 + 3 + 3 + 3 + 3 = 59
    field("id") + props(kWillProps) + field("w") + field("x") + field("u") + field("p");

TEST(V5Connect, WillPropertiesUserAndPassword) {
  const Buf payload = text_bytes("x");
  const Buf password = text_bytes("p");
  Connect c;
  c.version = kV5;
  c.client_id = "id";
  c.keep_alive_s = 0;
  c.clean_session = false;
  c.will = Will{"w", view(payload), QoS::AtLeastOnce, true, as_properties(kWillProps)};
  c.username = "u";
  c.password = view(password);
  EXPECT_EQ(encode_v5(c), kConnectWillWire);

  const auto d = decode_v5<Connect>(kConnectWillWire);
  EXPECT_TRUE(d.properties.empty());
  EXPECT_FALSE(d.clean_session);
  ASSERT_TRUE(d.will.has_value());
  EXPECT_EQ(d.will->topic, "w");
  EXPECT_EQ(str(d.will->payload), "x");
  EXPECT_EQ(d.will->qos, QoS::AtLeastOnce);
  EXPECT_TRUE(d.will->retain);
  EXPECT_EQ(to_buf(d.will->properties.wire()), kWillProps);
  EXPECT_EQ(d.will->properties.number_or(I::WillDelayInterval, 0), 5u);
  EXPECT_EQ(d.will->properties.number_or(I::MessageExpiryInterval, 0), 3600u);
  EXPECT_EQ(d.will->properties.find(I::ResponseTopic)->text, "r");
  EXPECT_EQ(d.username, std::optional<std::string_view>("u"));
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(str(*d.password), "p");
}

TEST(V5Connect, PasswordWithoutUserNameIsAllowed) {  // 3.1.2.9, unlike [MQTT-3.1.2-22] of 3.1.1
  const Buf password = text_bytes("pw");
  Connect c;
  c.version = kV5;
  c.client_id = "a";
  c.password = view(password);
  // Flags: password 0x40 | clean start 0x02 = 0x42; 10 + 1 + 3 + 4 = 18.
  const Buf wire = bytes({0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x42, 0x00, 0x3C,
                          0x00, 0x00, 0x01, 'a', 0x00, 0x02, 'p', 'w'});
  EXPECT_EQ(encode_v5(c), wire);
  const auto d = decode_v5<Connect>(wire);
  EXPECT_FALSE(d.username.has_value());
  ASSERT_TRUE(d.password.has_value());
  EXPECT_EQ(str(*d.password), "pw");

  c.version = kV311;  // still refused by 3.1.1
  expect_encode_error_as(c, EncodeError::PasswordWithoutUsername, kV311);
}

TEST(V5Connect, Version311IgnoresPropertiesAndWillProperties) {
  const Buf payload = text_bytes("bye");
  const Buf password = text_bytes("pw");
  Connect c;  // version 3.1.1, as in connect_test.cpp, plus 5.0 properties
  c.client_id = "c1";
  c.keep_alive_s = 10;
  c.clean_session = false;
  c.will = Will{"w/t", view(payload), QoS::AtLeastOnce, true, as_properties(kWillProps)};
  c.username = "u";
  c.password = view(password);
  c.properties = as_properties(kConnectProps);
  const Buf expected = bytes({0x10, 0x1F, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x04, 0xEC, 0x00,
                              0x0A, 0x00, 0x02, 'c',  '1',  0x00, 0x03, 'w',  '/',  't',  0x00,
                              0x03, 'b',  'y',  'e',  0x00, 0x01, 'u',  0x00, 0x02, 'p',  'w'});
  EXPECT_EQ(encode_as(c, kV311), expected);
  EXPECT_EQ(encode_as(c, kV5), expected);  // Connect::version decides
  EXPECT_TRUE(decode_as<Connect>(expected).properties.empty());
}

// ---------------------------------------------------------------------------------------------
// CONNACK [MQTT-3.2]: flags, reason code, properties (the property length is always there).

// Every property CONNACK may carry ([MQTT-3.2.2.3]), 60 bytes.
const Buf kConnackProps = bytes({
    0x11, 0x00, 0x00, 0x00, 0x3C,            // session expiry interval 60
    0x21, 0x00, 0x14,                        // receive maximum 20
    0x24, 0x01,                              // maximum qos 1
    0x25, 0x00,                              // retain available 0
    0x27, 0x00, 0x00, 0x04, 0x00,            // maximum packet size 1024
    0x12, 0x00, 0x01, 'z',                   // assigned client identifier "z"
    0x22, 0x00, 0x05,                        // topic alias maximum 5
    0x1F, 0x00, 0x01, 'r',                   // reason string "r"
    0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b',  // user property a=b
    0x28, 0x00,                              // wildcard subscription available 0
    0x29, 0x01,                              // subscription identifiers available 1
    0x2A, 0x00,                              // shared subscription available 0
    0x13, 0x00, 0x1E,                        // server keep alive 30
    0x1A, 0x00, 0x01, 'i',                   // response information "i"
    0x1C, 0x00, 0x01, 's',                   // server reference "s"
    0x15, 0x00, 0x01, 'M',                   // authentication method "M"
    0x16, 0x00, 0x01, 0xAA});                // authentication data AA

TEST(V5Connack, EveryConnackPropertyEncodesAndDecodes) {
  const Buf wire = bytes({0x20, 0x3F, 0x01, 0x00}) + props(kConnackProps);  // 2 + 1 + 60 = 63
  const Connack c{true, ConnectReturnCode::Accepted, as_properties(kConnackProps)};
  EXPECT_EQ(encode_v5(c), wire);
  const auto d = decode_v5<Connack>(wire);
  EXPECT_TRUE(d.session_present);
  EXPECT_EQ(d.return_code, ConnectReturnCode::Accepted);
  EXPECT_EQ(to_buf(d.properties.wire()), kConnackProps);
  EXPECT_EQ(all_properties(d.properties).size(), 17u);
  EXPECT_EQ(d.properties.number_or(I::ReceiveMaximum, 65535), 20u);
  EXPECT_EQ(d.properties.number_or(I::MaximumQoS, 2), 1u);
  EXPECT_EQ(d.properties.number_or(I::RetainAvailable, 1), 0u);
  EXPECT_EQ(d.properties.number_or(I::ServerKeepAlive, 0), 30u);
  EXPECT_EQ(d.properties.find(I::AssignedClientIdentifier)->text, "z");
  // 3.1.1 ignores the properties.
  EXPECT_EQ(encode_as(c, kV311), bytes({0x20, 0x02, 0x01, 0x00}));
}

TEST(V5Connack, EveryConnackReasonCode) {  // [MQTT-3.2.2.2] table 3-1
  for (int code : {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A,
                   0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F}) {
    const Buf wire = bytes({0x20, 0x03, 0x00, code, 0x00});
    const Connack c{false, static_cast<ConnectReturnCode>(code)};
    EXPECT_EQ(encode_v5(c), wire) << code;
    EXPECT_EQ(static_cast<int>(decode_v5<Connack>(wire).return_code), code);
  }
}

TEST(V5Connack, RefusalWithServerReference) {
  const Buf p = bytes({0x1C, 0x00, 0x03, 'h', ':', '1'});
  const Buf wire = bytes({0x20, 0x09, 0x00, 0x9C}) + props(p);  // use another server
  // [MQTT-3.2.2-6]: a refusal never claims a session, whatever the struct says.
  EXPECT_EQ(encode_v5(Connack{true, static_cast<ConnectReturnCode>(0x9C), as_properties(p)}),
            wire);
  const auto d = decode_v5<Connack>(wire);
  EXPECT_FALSE(d.session_present);
  EXPECT_EQ(d.properties.find(I::ServerReference)->text, "h:1");
}

// ---------------------------------------------------------------------------------------------
// PUBLISH [MQTT-3.3]: properties after the packet identifier.

// Every property PUBLISH may carry ([MQTT-3.3.2.3]), subscription identifier twice: 34 bytes.
const Buf kPublishProps = bytes({
    0x01, 0x01,                              // payload format indicator 1
    0x02, 0x00, 0x00, 0x00, 0x3C,            // message expiry interval 60
    0x03, 0x00, 0x01, 't',                   // content type "t"
    0x08, 0x00, 0x01, 'r',                   // response topic "r"
    0x09, 0x00, 0x01, 0x01,                  // correlation data 01
    0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v',  // user property k=v
    0x23, 0x00, 0x03,                        // topic alias 3
    0x0B, 0x01,                              // subscription identifier 1
    0x0B, 0xC8, 0x01});                      // subscription identifier 200 (repeatable)

TEST(V5Publish, EveryPublishPropertyEncodesAndDecodes) {
  const Buf payload = text_bytes("hi");
  const Publish p{"a/b", view(payload), QoS::AtLeastOnce, false, false, 10,
                  as_properties(kPublishProps)};
  const Buf wire = bytes({0x32, 0x2C, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A}) +
                   props(kPublishProps) + text_bytes("hi");  // 5 + 2 + 1 + 34 + 2 = 44
  EXPECT_EQ(encode_v5(p), wire);
  Buf out(wire.size());
  auto n = encode(p, MutableBytes{out}, kV5);  // the per-type overload
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(out, wire);
  EXPECT_EQ(encoded_size(p, kV5), wire.size());

  const auto d = decode_v5<Publish>(wire);
  EXPECT_EQ(d.topic, "a/b");
  EXPECT_EQ(d.qos, QoS::AtLeastOnce);
  EXPECT_EQ(d.packet_id, 10);
  EXPECT_EQ(str(d.payload), "hi");
  EXPECT_EQ(to_buf(d.properties.wire()), kPublishProps);
  std::vector<std::uint32_t> ids;
  for (const Property prop : d.properties) {
    if (prop.id == I::SubscriptionIdentifier) ids.push_back(prop.number);
  }
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 200}));
  EXPECT_EQ(d.properties.number_or(I::TopicAlias, 0), 3u);

  // 3.1.1: the same struct without its properties.
  EXPECT_EQ(encode_as(p, kV311), bytes({0x32, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'h',
                                        'i'}));
}

TEST(V5Publish, TopicAliasWithEmptyTopic) {  // [MQTT-3.3.2.3.4]
  const Buf alias = bytes({0x23, 0x00, 0x07});
  const Buf payload = text_bytes("x");
  const Publish p{"", view(payload), QoS::AtMostOnce, false, false, 0, as_properties(alias)};
  const Buf wire = bytes({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x07, 'x'});
  EXPECT_EQ(encode_v5(p), wire);
  const auto d = decode_v5<Publish>(wire);
  EXPECT_EQ(d.topic, "");
  EXPECT_EQ(d.properties.number_or(I::TopicAlias, 0), 7u);
  EXPECT_EQ(str(d.payload), "x");
  // 3.1.1 has no alias: an empty topic is refused, not sent.
  expect_encode_error_as(p, EncodeError::InvalidTopic, kV311);
}

TEST(V5Publish, NoPropertiesAndFlags) {
  const Buf payload = text_bytes("x");
  EXPECT_EQ(encode_v5(Publish{"t", view(payload)}),
            bytes({0x30, 0x05, 0x00, 0x01, 't', 0x00, 'x'}));
  // DUP 0x08 | QoS 2 0x04 | RETAIN 0x01; empty payload.
  const Buf wire = bytes({0x3D, 0x06, 0x00, 0x01, 't', 0x01, 0x02, 0x00});
  EXPECT_EQ(encode_v5(Publish{"t", {}, QoS::ExactlyOnce, true, true, 0x0102}), wire);
  const auto d = decode_v5<Publish>(wire);
  EXPECT_TRUE(d.dup);
  EXPECT_TRUE(d.retain);
  EXPECT_EQ(d.qos, QoS::ExactlyOnce);
  EXPECT_EQ(d.packet_id, 0x0102);
  EXPECT_TRUE(d.properties.empty());
  EXPECT_TRUE(d.payload.empty());
}

}  // namespace
}  // namespace codec_test
