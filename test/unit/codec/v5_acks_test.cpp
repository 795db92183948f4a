// MQTT 5.0 PUBACK .. PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP,
// DISCONNECT and AUTH ([MQTT-3.4] to [MQTT-3.15]) encoded to exact bytes and decoded back; the
// same structs under 3.1.1 encode as 3.1.1 did, 5.0 fields ignored.
#include "v5_codec_test.hpp"

namespace codec_test {
namespace {

using I = PropertyId;

// ---------------------------------------------------------------------------------------------
// PUBACK, PUBREC, PUBREL, PUBCOMP [MQTT-3.4] .. [MQTT-3.7]: remaining length 2 (success, no
// properties), 3 (reason code, no property length) or 4 and more (code and properties).

struct AckKind {
  PacketType type;
  int first_byte;
  std::uint8_t failure;  // a reason code this type may carry
};
const AckKind kAckKinds[] = {
    {PacketType::Puback, 0x40, reason::kNoMatchingSubscribers},
    {PacketType::Pubrec, 0x50, reason::kQuotaExceeded},
    {PacketType::Pubrel, 0x62, reason::kPacketIdentifierNotFound},
    {PacketType::Pubcomp, 0x70, reason::kPacketIdentifierNotFound},
};

TEST(V5Ack, TheThreeLengths) {
  const Buf reason_props = bytes({0x1F, 0x00, 0x02, 'o', 'k'});
  for (const auto& k : kAckKinds) {
    const int f = k.first_byte;
    const Ack two{k.type, 1};
    const Buf wire2 = bytes({f, 0x02, 0x00, 0x01});
    EXPECT_EQ(encode_v5(two), wire2) << name_of(k.type);
    auto d = decode_v5<Ack>(wire2);
    EXPECT_EQ(d.type, k.type);
    EXPECT_EQ(d.packet_id, 1);
    EXPECT_EQ(d.reason_code, reason::kSuccess);
    EXPECT_TRUE(d.properties.empty());

    const Ack three{k.type, 0x1234, k.failure};
    const Buf wire3 = bytes({f, 0x03, 0x12, 0x34, k.failure});
    EXPECT_EQ(encode_v5(three), wire3) << name_of(k.type);
    d = decode_v5<Ack>(wire3);
    EXPECT_EQ(d.packet_id, 0x1234);
    EXPECT_EQ(d.reason_code, k.failure);
    EXPECT_TRUE(d.properties.empty());

    // Success with properties still writes the code ([MQTT-3.4.2.1]).
    const Ack more{k.type, 1, reason::kSuccess, as_properties(reason_props)};
    const Buf wire4 = bytes({f, 0x09, 0x00, 0x01, 0x00}) + props(reason_props);
    EXPECT_EQ(encode_v5(more), wire4) << name_of(k.type);
    d = decode_v5<Ack>(wire4);
    EXPECT_EQ(d.reason_code, reason::kSuccess);
    EXPECT_EQ(d.properties.find(I::ReasonString)->text, "ok");

    // A property length of 0 is accepted too ([MQTT-3.4.2.2.1]).
    d = decode_v5<Ack>(bytes({f, 0x04, 0x00, 0x01, k.failure, 0x00}));
    EXPECT_EQ(d.reason_code, k.failure);
    EXPECT_TRUE(d.properties.empty());

    // 3.1.1: code and properties ignored.
    const Ack full{k.type, 1, k.failure, as_properties(reason_props)};
    EXPECT_EQ(encode_as(full, kV311), wire2) << name_of(k.type);
  }
}

TEST(V5Ack, EveryValidReasonCode) {  // tables 3-4 to 3-7
  const std::vector<int> pub = {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99};
  const std::vector<int> rel = {0x00, 0x92};
  for (const auto& k : kAckKinds) {
    const bool first_half = k.type == PacketType::Puback || k.type == PacketType::Pubrec;
    for (int code : first_half ? pub : rel) {
      const Ack a{k.type, 9, static_cast<std::uint8_t>(code)};
      const Buf wire = code == 0 ? bytes({k.first_byte, 0x02, 0x00, 0x09})
                                 : bytes({k.first_byte, 0x03, 0x00, 0x09, code});
      EXPECT_EQ(encode_v5(a), wire) << name_of(k.type) << " " << code;
      EXPECT_EQ(decode_v5<Ack>(wire).reason_code, code);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SUBSCRIBE [MQTT-3.8], SUBACK [MQTT-3.9], UNSUBSCRIBE [MQTT-3.10], UNSUBACK [MQTT-3.11].

TEST(V5Subscribe, OptionsBitsAndProperties) {  // [MQTT-3.8.3.1] figure 3-20
  const Subscription subs[] = {
      // QoS 1 | no local 0x04 = 0x05
      {"a/+", QoS::AtLeastOnce, true, false, RetainHandling::SendOnSubscribe},
      // QoS 2 | retain as published 0x08 | retain handling 1 << 4 = 0x1A
      {"b", QoS::ExactlyOnce, false, true, RetainHandling::SendIfNew},
      // QoS 0 | no local | retain as published | retain handling 2 << 4 = 0x2C
      {"c/#", QoS::AtMostOnce, true, true, RetainHandling::DoNotSend},
  };
  const Buf p = bytes({0x0B, 0xAC, 0x02,                          // subscription id 300
                       0x26, 0x00, 0x01, 'u', 0x00, 0x01, '1'});  // user property u=1
  Subscribe s;
  s.packet_id = 5;
  s.filters = FilterList{subs};
  s.properties = as_properties(p);
  const Buf wire = bytes({0x82, 0x1D, 0x00, 0x05}) + props(p) +  // 2 + 1 + 10 + 16 = 29
                   field("a/+") + bytes({0x05}) + field("b") + bytes({0x1A}) + field("c/#") +
                   bytes({0x2C});
  EXPECT_EQ(encode_v5(s), wire);

  const auto d = decode_v5<Subscribe>(wire);
  EXPECT_EQ(d.packet_id, 5);
  EXPECT_EQ(d.properties.number_or(I::SubscriptionIdentifier, 0), 300u);
  ASSERT_EQ(d.filters.size(), 3u);
  std::size_t i = 0;
  for (const Subscription got : d.filters) {
    EXPECT_EQ(got.filter, subs[i].filter);
    EXPECT_EQ(got.qos, subs[i].qos) << i;
    EXPECT_EQ(got.no_local, subs[i].no_local) << i;
    EXPECT_EQ(got.retain_as_published, subs[i].retain_as_published) << i;
    EXPECT_EQ(got.retain_handling, subs[i].retain_handling) << i;
    ++i;
  }
  EXPECT_EQ(encode_v5(d), wire);  // a decoded list encodes to the same bytes

  // 3.1.1: the QoS alone in each options byte, no properties.
  EXPECT_EQ(encode_as(s, kV311), bytes({0x82, 0x12, 0x00, 0x05}) + field("a/+") +
                                     bytes({0x01}) + field("b") + bytes({0x02}) +
                                     field("c/#") + bytes({0x00}));
}

TEST(V5Suback, EveryReasonCodeAndProperties) {  // table 3-8
  const Buf codes = bytes({0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1,
                           0xA2});
  const Buf p = bytes({0x1F, 0x00, 0x01, 'x'});
  const Suback s{5, view(codes), as_properties(p)};
  const Buf wire = bytes({0x90, 0x13, 0x00, 0x05}) + props(p) + codes;  // 2 + 1 + 4 + 12
  EXPECT_EQ(encode_v5(s), wire);
  const auto d = decode_v5<Suback>(wire);
  EXPECT_EQ(d.packet_id, 5);
  EXPECT_EQ(to_buf(d.return_codes), codes);
  EXPECT_EQ(d.properties.find(I::ReasonString)->text, "x");
  // 3.1.1: properties ignored (with 3.1.1 return codes).
  const Buf old = bytes({0x01, 0x80});
  EXPECT_EQ(encode_as(Suback{5, view(old), as_properties(p)}, kV311),
            bytes({0x90, 0x04, 0x00, 0x05, 0x01, 0x80}));
}

TEST(V5Unsubscribe, WithProperties) {
  const Subscription subs[] = {{"a/b"}, {"c/#"}};
  const Buf p = bytes({0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b'});
  Unsubscribe u;
  u.packet_id = 7;
  u.filters = FilterList{subs};
  u.properties = as_properties(p);
  const Buf wire = bytes({0xA2, 0x14, 0x00, 0x07}) + props(p) + field("a/b") + field("c/#");
  EXPECT_EQ(encode_v5(u), wire);
  const auto d = decode_v5<Unsubscribe>(wire);
  EXPECT_EQ(d.packet_id, 7);
  EXPECT_EQ(d.properties.find(I::UserProperty)->text, "a");
  ASSERT_EQ(d.filters.size(), 2u);
  EXPECT_EQ((*d.filters.begin()).filter, "a/b");
  EXPECT_EQ(encode_as(u, kV311), bytes({0xA2, 0x0C, 0x00, 0x07}) + field("a/b") + field("c/#"));
}

TEST(V5Unsuback, PropertiesAndReasonCodeList) {  // table 3-9
  const Buf codes = bytes({0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
  const Buf p = bytes({0x1F, 0x00, 0x02, 'n', 'o'});
  const Ack a{PacketType::Unsuback, 7, 0, as_properties(p), view(codes)};
  const Buf wire = bytes({0xB0, 0x0F, 0x00, 0x07}) + props(p) + codes;  // 2 + 1 + 5 + 7
  EXPECT_EQ(encode_v5(a), wire);
  auto d = decode_v5<Ack>(wire);
  EXPECT_EQ(d.type, PacketType::Unsuback);
  EXPECT_EQ(d.packet_id, 7);
  EXPECT_EQ(to_buf(d.reason_codes), codes);
  EXPECT_EQ(d.properties.find(I::ReasonString)->text, "no");

  const Buf one = bytes({0x11});  // no properties: the property length 0 is still there
  const Buf wire1 = bytes({0xB0, 0x04, 0x00, 0x07, 0x00, 0x11});
  EXPECT_EQ(encode_v5(Ack{PacketType::Unsuback, 7, 0, {}, view(one)}), wire1);
  d = decode_v5<Ack>(wire1);
  EXPECT_EQ(to_buf(d.reason_codes), one);
  EXPECT_TRUE(d.properties.empty());

  EXPECT_EQ(encode_as(a, kV311), bytes({0xB0, 0x02, 0x00, 0x07}));  // 3.1.1: id only
}

// ---------------------------------------------------------------------------------------------
// PINGREQ, PINGRESP [MQTT-3.12], [MQTT-3.13]; DISCONNECT [MQTT-3.14]; AUTH [MQTT-3.15].

TEST(V5Ping, SameAsBefore) {
  EXPECT_EQ(encode_v5(Pingreq{}), bytes({0xC0, 0x00}));
  EXPECT_EQ(encode_v5(Pingresp{}), bytes({0xD0, 0x00}));
  decode_v5<Pingreq>(bytes({0xC0, 0x00}));
  decode_v5<Pingresp>(bytes({0xD0, 0x00}));
  EXPECT_EQ(decode_error_v5(bytes({0xC0, 0x01, 0x00})), DecodeError::LengthMismatch);
}

TEST(V5Disconnect, TheThreeLengths) {  // [MQTT-3.14.2.1], [MQTT-3.14.2.2.1]
  EXPECT_EQ(encode_v5(Disconnect{}), bytes({0xE0, 0x00}));
  auto d = decode_v5<Disconnect>(bytes({0xE0, 0x00}));
  EXPECT_EQ(d.reason_code, reason::kSuccess);
  EXPECT_TRUE(d.properties.empty());

  EXPECT_EQ(encode_v5(Disconnect{reason::kDisconnectWithWill}), bytes({0xE0, 0x01, 0x04}));
  d = decode_v5<Disconnect>(bytes({0xE0, 0x01, 0x04}));
  EXPECT_EQ(d.reason_code, reason::kDisconnectWithWill);
  EXPECT_TRUE(d.properties.empty());

  const Buf expiry = bytes({0x11, 0x00, 0x00, 0x00, 0x00});
  const Buf wire = bytes({0xE0, 0x07, 0x00}) + props(expiry);
  EXPECT_EQ(encode_v5(Disconnect{reason::kSuccess, as_properties(expiry)}), wire);
  EXPECT_EQ(decode_v5<Disconnect>(wire).properties.number_or(I::SessionExpiryInterval, 9), 0u);

  const Buf p = bytes({0x1C, 0x00, 0x01, 's', 0x1F, 0x00, 0x01, 'r',
                       0x26, 0x00, 0x01, 'a', 0x00, 0x01, 'b'});
  const Buf moved = bytes({0xE0, 0x11, 0x9D}) + props(p);  // server moved, 1 + 1 + 15
  const Disconnect full{reason::kServerMoved, as_properties(p)};
  EXPECT_EQ(encode_v5(full), moved);
  d = decode_v5<Disconnect>(moved);
  EXPECT_EQ(d.reason_code, reason::kServerMoved);
  EXPECT_EQ(d.properties.find(I::ServerReference)->text, "s");
  EXPECT_EQ(d.properties.find(I::ReasonString)->text, "r");

  d = decode_v5<Disconnect>(bytes({0xE0, 0x02, 0x8E, 0x00}));  // property length 0
  EXPECT_EQ(d.reason_code, reason::kSessionTakenOver);
  EXPECT_TRUE(d.properties.empty());

  EXPECT_EQ(encode_as(full, kV311), bytes({0xE0, 0x00}));  // 3.1.1: the fixed header alone
}

TEST(V5Disconnect, EveryValidReasonCode) {  // table 3-10
  for (int code : {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F,
                   0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D,
                   0x9E, 0x9F, 0xA0, 0xA1, 0xA2}) {
    const Buf wire = code == 0 ? bytes({0xE0, 0x00}) : bytes({0xE0, 0x01, code});
    EXPECT_EQ(encode_v5(Disconnect{static_cast<std::uint8_t>(code)}), wire) << code;
    EXPECT_EQ(decode_v5<Disconnect>(wire).reason_code, code);
  }
}

TEST(V5Auth, EncodesAndDecodes) {  // [MQTT-3.15.2.1] table 3-13
  // Every AUTH names the method (3.15.2.2.2): see v5_auth_test.cpp for the refusals.
  const Buf m = bytes({0x15, 0x00, 0x01, 'M'});
  const Buf success = bytes({0xF0, 0x06, 0x00}) + props(m);
  EXPECT_EQ(encode_v5(Auth{reason::kSuccess, as_properties(m)}), success);
  EXPECT_EQ(decode_v5<Auth>(success).reason_code, reason::kSuccess);
  const Buf reauth = bytes({0xF0, 0x06, 0x19}) + props(m);
  EXPECT_EQ(encode_v5(Auth{reason::kReauthenticate, as_properties(m)}), reauth);
  EXPECT_EQ(decode_v5<Auth>(reauth).reason_code, reason::kReauthenticate);

  const Buf p = bytes({0x15, 0x00, 0x01, 'M', 0x16, 0x00, 0x02, 0x01, 0x02});
  const Buf wire = bytes({0xF0, 0x0B, 0x18}) + props(p);  // continue authentication
  EXPECT_EQ(encode_v5(Auth{reason::kContinueAuthentication, as_properties(p)}), wire);
  const auto d = decode_v5<Auth>(wire);
  EXPECT_EQ(d.reason_code, reason::kContinueAuthentication);
  EXPECT_EQ(d.properties.find(I::AuthenticationMethod)->text, "M");
  EXPECT_EQ(to_buf(d.properties.find(I::AuthenticationData)->binary), bytes({0x01, 0x02}));
  EXPECT_EQ(type_of(Packet{Auth{}}), PacketType::Auth);
}

TEST(V5Auth, NotInVersion311) {
  expect_encode_error_as(Auth{}, EncodeError::NotInThisVersion, kV311);
  EXPECT_EQ(decode_error(bytes({0xF0, 0x00})), DecodeError::UnknownPacketType);  // [MQTT-2.2.1]
  EXPECT_EQ(decode_error_v5(bytes({0xF1, 0x00})), DecodeError::InvalidFixedHeaderFlags);
}

}  // namespace
}  // namespace codec_test
