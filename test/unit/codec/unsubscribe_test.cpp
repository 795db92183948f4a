// UNSUBSCRIBE, [MQTT-3.10].
#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

// 2 + (2+3) + (2+1) = 10 bytes of body.
const Buf kUnsubscribe = bytes({0xA2, 0x0A, 0x01, 0x02,     // UNSUBSCRIBE, 10, id 0x0102
                                0x00, 0x03, 'a', '/', '+',  // "a/+"
                                0x00, 0x01, '#'});          // "#"

TEST(Unsubscribe, EncodesTwoFilters) {
  // The QoS of a Subscription is not sent in an UNSUBSCRIBE.
  const Subscription subs[] = {{"a/+", QoS::ExactlyOnce}, {"#", QoS::AtLeastOnce}};
  Unsubscribe u;
  u.packet_id = 0x0102;
  u.filters = FilterList{subs};
  EXPECT_EQ(encode_ok(u), kUnsubscribe);
}

TEST(Unsubscribe, DecodesTwoFilters) {
  const auto d = decode_as<Unsubscribe>(kUnsubscribe);
  EXPECT_EQ(d.packet_id, 0x0102);
  ASSERT_EQ(d.filters.size(), 2u);
  auto it = d.filters.begin();
  EXPECT_EQ((*it).filter, "a/+");
  EXPECT_EQ((*it).qos, QoS::AtMostOnce);
  ++it;
  EXPECT_EQ((*it).filter, "#");
  ++it;
  EXPECT_TRUE(it == d.filters.end());
  EXPECT_EQ(encode_ok(d), kUnsubscribe);
}

TEST(Unsubscribe, EncodeErrors) {
  Unsubscribe u;
  u.packet_id = 1;
  expect_encode_error(u, EncodeError::EmptyFilterList);  // [MQTT-3.10.3-2]
  Subscription sub{"a", QoS::AtMostOnce};
  u.filters = FilterList{std::span<const Subscription>{&sub, 1}};
  u.packet_id = 0;
  expect_encode_error(u, EncodeError::InvalidPacketId);
  u.packet_id = 1;
  sub.filter = "a/#/b";
  expect_encode_error(u, EncodeError::InvalidTopicFilter);
  sub.filter = "";
  expect_encode_error(u, EncodeError::InvalidTopicFilter);
  sub.filter = "\xF4\x90\x80\x80";
  expect_encode_error(u, EncodeError::InvalidUtf8);
  const std::string huge(65'536, 'u');
  sub.filter = huge;
  expect_encode_error(u, EncodeError::StringTooLong);
}

Buf unsubscribe_body(const Buf& payload) { return packet(0xA2, bytes({0x00, 0x01}) + payload); }

TEST(Unsubscribe, DecodeErrors) {
  EXPECT_EQ(decode_error(unsubscribe_body(Buf{})), DecodeError::EmptyFilterList);
  EXPECT_EQ(decode_error(packet(0xA2, bytes({0x00, 0x00}) + field("a"))),
            DecodeError::InvalidPacketId);
  EXPECT_EQ(decode_error(unsubscribe_body(field("a+"))), DecodeError::InvalidTopicFilter);
  EXPECT_EQ(decode_error(unsubscribe_body(field(""))), DecodeError::InvalidTopicFilter);
  EXPECT_EQ(decode_error(unsubscribe_body(field("\xC1\x81"))), DecodeError::InvalidUtf8);
  EXPECT_EQ(decode_error(unsubscribe_body(field("a") + bytes({0x00}))),
            DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(unsubscribe_body(bytes({0x00, 0x02, 'a'}))),
            DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0xA2, bytes({0x01}))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0xA0, bytes({0x00, 0x01}) + field("a"))),
            DecodeError::InvalidFixedHeaderFlags);  // [MQTT-3.10.1-1]
}

}  // namespace
}  // namespace codec_test
