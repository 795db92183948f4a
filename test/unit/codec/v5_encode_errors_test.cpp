// MQTT 5.0: encode() refuses the invalid properties and reason codes that decode() refuses
// (v5_malformed_test.cpp), so this client never sends what a receiver must reject.
#include "v5_codec_test.hpp"

namespace codec_test {
namespace {

TEST(V5EncodeRefuses, InvalidProperties) {
  const auto e = EncodeError::InvalidProperty;
  const Buf session = bytes({0x11, 0, 0, 0, 1});
  const Buf twice = bytes({0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2});
  const Buf alias0 = bytes({0x23, 0, 0});
  const Buf wildcard = bytes({0x08, 0, 1, '#'});
  const Buf unknown = bytes({0x04, 0x00});
  const Buf truncated = bytes({0x02, 0, 0});
  const Buf bad_utf8 = bytes({0x03, 0, 1, 0xFF});
  const Buf payload = text_bytes("x");
  for (const Buf* p : {&session, &twice, &alias0, &wildcard, &unknown, &truncated, &bad_utf8}) {
    expect_encode_error_v5(Publish{"t", view(payload), QoS::AtMostOnce, false, false, 0,
                                   as_properties(*p)},
                           e);
  }
  const Buf will_delay = bytes({0x18, 0, 0, 0, 1});
  Connect c;
  c.version = kV5;
  c.client_id = "c";
  c.properties = as_properties(will_delay);  // will delay in CONNECT
  expect_encode_error_v5(c, e);
  c.properties = {};
  c.will = Will{"w", view(payload), QoS::AtMostOnce, false, as_properties(session)};
  expect_encode_error_v5(c, e);

  const Buf receive0 = bytes({0x21, 0, 0});
  expect_encode_error_v5(Connack{false, ConnectReturnCode::Accepted, as_properties(receive0)}, e);
  expect_encode_error_v5(Connack{false, ConnectReturnCode::Accepted, as_properties(alias0)}, e);
  expect_encode_error_v5(Ack{PacketType::Puback, 1, 0, as_properties(bytes({0x03, 0, 0}))}, e);
  const Buf codes = bytes({0x00});
  expect_encode_error_v5(Ack{PacketType::Unsuback, 1, 0, as_properties(session), view(codes)},
                         e);
  expect_encode_error_v5(Suback{1, view(codes), as_properties(alias0)}, e);
  const Subscription sub{"a"};
  Subscribe s;
  s.packet_id = 1;
  s.filters = FilterList{std::span<const Subscription>{&sub, 1}};
  const Buf two_ids = bytes({0x0B, 0x01, 0x0B, 0x02});
  s.properties = as_properties(two_ids);
  expect_encode_error_v5(s, e);
  Unsubscribe u;
  u.packet_id = 1;
  u.filters = s.filters;
  const Buf one_id = bytes({0x0B, 0x01});
  u.properties = as_properties(one_id);
  expect_encode_error_v5(u, e);
  expect_encode_error_v5(Disconnect{0, as_properties(bytes({0x15, 0, 1, 'M'}))}, e);
  expect_encode_error_v5(Auth{0, as_properties(session)}, e);
}

TEST(V5EncodeRefuses, DuplicatesTheWriterLetThrough) {
  // The writer checks values, not packets: twice the same property is refused by encode().
  Buf buf(32);
  PropertyWriter w{MutableBytes{buf}};
  w.add(PropertyId::MessageExpiryInterval, 1U).add(PropertyId::MessageExpiryInterval, 2U);
  ASSERT_TRUE(w.ok());
  expect_encode_error_v5(Publish{"t", {}, QoS::AtMostOnce, false, false, 0, w.properties()},
                         EncodeError::InvalidProperty);
}

TEST(V5EncodeRefuses, InvalidReasonCodes) {
  const auto e = EncodeError::InvalidReasonCode;
  expect_encode_error_v5(Ack{PacketType::Puback, 1, 0x92}, e);
  expect_encode_error_v5(Ack{PacketType::Pubrec, 1, 0x01}, e);
  expect_encode_error_v5(Ack{PacketType::Pubrel, 1, 0x10}, e);
  expect_encode_error_v5(Ack{PacketType::Pubcomp, 1, 0x80}, e);
  expect_encode_error_v5(Connack{false, static_cast<ConnectReturnCode>(0x8B)}, e);
  expect_encode_error_v5(Connack{false, static_cast<ConnectReturnCode>(0x01)}, e);
  expect_encode_error_v5(Disconnect{0x88}, e);
  expect_encode_error_v5(Auth{0x80}, e);
  const Buf unsub = bytes({0x00, 0x10});
  expect_encode_error_v5(Ack{PacketType::Unsuback, 1, 0, {}, view(unsub)}, e);
  const Buf sub = bytes({0x01, 0x81});
  expect_encode_error_v5(Suback{1, view(sub)}, e);
  // 3.1.1 keeps its own answer for a SUBACK return code it does not know.
  expect_encode_error_as(Suback{1, view(sub)}, EncodeError::InvalidQoS, kV311);
}

TEST(V5EncodeRefuses, MissingTopicAndEmptyLists) {
  const Buf payload = text_bytes("x");
  expect_encode_error_v5(Publish{"", view(payload)}, EncodeError::InvalidTopic);
  const Buf other = bytes({0x01, 0x01});  // properties, but no topic alias
  expect_encode_error_v5(Publish{"", view(payload), QoS::AtMostOnce, false, false, 0,
                                 as_properties(other)},
                         EncodeError::InvalidTopic);
  expect_encode_error_v5(Ack{PacketType::Unsuback, 1}, EncodeError::EmptyFilterList);
  expect_encode_error_v5(Suback{1}, EncodeError::EmptyFilterList);
  expect_encode_error_v5(Subscribe{1}, EncodeError::EmptyFilterList);
  expect_encode_error_v5(Unsubscribe{1}, EncodeError::EmptyFilterList);
}

}  // namespace
}  // namespace codec_test
