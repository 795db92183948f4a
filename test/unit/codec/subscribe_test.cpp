// SUBSCRIBE, [MQTT-3.8], and the FilterList it carries.
#include <string>
#include <vector>

#include "codec_test.hpp"

namespace codec_test {
namespace {

// Three filters, [MQTT-3.8.3]: 2 + (2+3+1) + (2+3+1) + (2+1+1) = 18 bytes of body.
const Buf kSubscribe = bytes({0x82, 0x12, 0x00, 0x01,           // SUBSCRIBE, 18, id 1
                              0x00, 0x03, 'a', '/', '+', 0x01,  // "a/+" QoS 1
                              0x00, 0x03, 'b', '/', '#', 0x02,  // "b/#" QoS 2
                              0x00, 0x01, 'c', 0x00});          // "c"   QoS 0

std::vector<Subscription> collect(const FilterList& list) {
  std::vector<Subscription> out;
  for (const Subscription s : list) out.push_back(s);
  return out;
}

TEST(Subscribe, EncodesSeveralFilters) {
  const Subscription subs[] = {
      {"a/+", QoS::AtLeastOnce}, {"b/#", QoS::ExactlyOnce}, {"c", QoS::AtMostOnce}};
  Subscribe s;
  s.packet_id = 1;
  s.filters = FilterList{subs};
  EXPECT_EQ(encode_ok(s), kSubscribe);
}

TEST(Subscribe, DecodesSeveralFilters) {
  const auto d = decode_as<Subscribe>(kSubscribe);
  EXPECT_EQ(d.packet_id, 1);
  ASSERT_EQ(d.filters.size(), 3u);
  EXPECT_FALSE(d.filters.empty());
  const auto subs = collect(d.filters);
  ASSERT_EQ(subs.size(), 3u);
  EXPECT_EQ(subs[0].filter, "a/+");
  EXPECT_EQ(subs[0].qos, QoS::AtLeastOnce);
  EXPECT_EQ(subs[1].filter, "b/#");
  EXPECT_EQ(subs[1].qos, QoS::ExactlyOnce);
  EXPECT_EQ(subs[2].filter, "c");
  EXPECT_EQ(subs[2].qos, QoS::AtMostOnce);
}

TEST(Subscribe, DecodedListEncodesToTheSameBytes) {
  const auto d = decode_as<Subscribe>(kSubscribe);
  EXPECT_EQ(encode_ok(d), kSubscribe);
}

TEST(Subscribe, SingleFilter) {
  const Subscription sub{"#", QoS::AtMostOnce};
  Subscribe s;
  s.packet_id = 0xABCD;
  s.filters = FilterList{std::span<const Subscription>{&sub, 1}};
  const Buf expected = bytes({0x82, 0x06, 0xAB, 0xCD, 0x00, 0x01, '#', 0x00});
  EXPECT_EQ(encode_ok(s), expected);
  const auto d = decode_as<Subscribe>(expected);
  EXPECT_EQ(d.packet_id, 0xABCD);
  ASSERT_EQ(d.filters.size(), 1u);
  EXPECT_EQ((*d.filters.begin()).filter, "#");
}

TEST(Subscribe, EncodeErrors) {
  Subscribe s;
  s.packet_id = 1;
  expect_encode_error(s, EncodeError::EmptyFilterList);  // [MQTT-3.8.3-3]
  Subscription sub{"a/b", QoS::AtMostOnce};
  s.filters = FilterList{std::span<const Subscription>{&sub, 1}};
  s.packet_id = 0;
  expect_encode_error(s, EncodeError::InvalidPacketId);  // [MQTT-2.3.1-1]
  s.packet_id = 1;
  sub.qos = static_cast<QoS>(3);
  expect_encode_error(s, EncodeError::InvalidQoS);
  sub.qos = QoS::AtLeastOnce;
  for (const char* bad : {"", "a#", "a/#/b", "+a", "a/b+"}) {
    sub.filter = bad;
    expect_encode_error(s, EncodeError::InvalidTopicFilter);
  }
  sub.filter = "a/\xC0\x80";
  expect_encode_error(s, EncodeError::InvalidUtf8);
  const std::string huge(65'536, 'a');
  sub.filter = huge;
  expect_encode_error(s, EncodeError::StringTooLong);
}

Buf subscribe_body(const Buf& payload) { return packet(0x82, bytes({0x00, 0x01}) + payload); }

TEST(Subscribe, DecodeRefusesEmptyList) {  // [MQTT-3.8.3-3]
  EXPECT_EQ(decode_error(subscribe_body(Buf{})), DecodeError::EmptyFilterList);
}

TEST(Subscribe, DecodeRefusesPacketIdZero) {
  EXPECT_EQ(decode_error(packet(0x82, bytes({0x00, 0x00}) + field("a") + bytes({0x00}))),
            DecodeError::InvalidPacketId);
}

TEST(Subscribe, DecodeRefusesReservedOptionBits) {  // [MQTT-3-8.3-4]
  for (int options : {0x04, 0x08, 0x40, 0x80, 0x41, 0xFC}) {
    EXPECT_EQ(decode_error(subscribe_body(field("a") + bytes({options}))),
              DecodeError::InvalidSubscriptionOptions)
        << options;
  }
}

TEST(Subscribe, DecodeRefusesQoS3) {  // [MQTT-3-8.3-4]
  EXPECT_EQ(decode_error(subscribe_body(field("a") + bytes({0x03}))), DecodeError::InvalidQoS);
}

TEST(Subscribe, DecodeRefusesBadFilters) {
  for (const char* bad : {"", "a#", "a/#/b", "+a", "a/b+"}) {
    EXPECT_EQ(decode_error(subscribe_body(field(bad) + bytes({0x00}))),
              DecodeError::InvalidTopicFilter)
        << bad;
  }
  EXPECT_EQ(decode_error(subscribe_body(field("\xED\xA0\x80") + bytes({0x00}))),
            DecodeError::InvalidUtf8);
  // The bad one may come after good ones.
  EXPECT_EQ(decode_error(subscribe_body(field("ok") + bytes({0x00}) + field("a#") + bytes({0}))),
            DecodeError::InvalidTopicFilter);
}

TEST(Subscribe, DecodeRefusesFieldsPastTheEnd) {
  EXPECT_EQ(decode_error(packet(0x82, bytes({0x00}))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(subscribe_body(field("a"))), DecodeError::LengthMismatch);  // no QoS
  EXPECT_EQ(decode_error(subscribe_body(bytes({0x00, 0x04, 'a', 'b'}))),
            DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(subscribe_body(field("a") + bytes({0x00, 0x00}))),
            DecodeError::LengthMismatch);  // a stray byte after the last filter
}

// ---- FilterList ----------------------------------------------------------------------------

TEST(FilterList, FromArray) {
  const Subscription subs[] = {{"x", QoS::ExactlyOnce}, {"y/z", QoS::AtMostOnce}};
  const FilterList list{subs};
  EXPECT_EQ(list.size(), 2u);
  EXPECT_FALSE(list.empty());
  const auto got = collect(list);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].filter, "x");
  EXPECT_EQ(got[0].qos, QoS::ExactlyOnce);
  EXPECT_EQ(got[1].filter, "y/z");
}

TEST(FilterList, DefaultIsEmpty) {
  const FilterList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_TRUE(collect(list).empty());
}

TEST(FilterList, FromWireWithQoS) {
  const Buf wire = field("a") + bytes({0x02}) + field("") + bytes({0x01}) + field("bc") +
                   bytes({0x00});
  const FilterList list{view(wire), true, 3};
  const auto got = collect(list);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].filter, "a");
  EXPECT_EQ(got[0].qos, QoS::ExactlyOnce);
  EXPECT_EQ(got[1].filter, "");
  EXPECT_EQ(got[1].qos, QoS::AtLeastOnce);
  EXPECT_EQ(got[2].filter, "bc");
  EXPECT_EQ(got[2].qos, QoS::AtMostOnce);
}

TEST(FilterList, FromWireWithoutQoS) {
  const Buf wire = field("a/b") + field("#");
  const FilterList list{view(wire), false, 2};
  const auto got = collect(list);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].filter, "a/b");
  EXPECT_EQ(got[0].qos, QoS::AtMostOnce);
  EXPECT_EQ(got[1].filter, "#");
}

TEST(FilterList, TruncatedWireStaysInBounds) {
  // Not what the decoder builds, but a FilterList anyone builds must not read past its bytes.
  const Buf wire = field("abc") + bytes({0x01, 0x00, 0x09, 'x'});
  const FilterList list{Bytes{wire.data(), wire.size()}, true, 3};
  const auto got = collect(list);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].filter, "abc");
  EXPECT_EQ(got[1].filter, "");  // length 9 runs past the end
  EXPECT_EQ(got[2].filter, "");
  Subscribe s;
  s.packet_id = 1;
  s.filters = list;
  expect_encode_error(s, EncodeError::InvalidTopicFilter);
}

}  // namespace
}  // namespace codec_test
