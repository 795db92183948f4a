// PUBLISH, [MQTT-3.3].
#include <sys/mman.h>

#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

Publish make(std::string_view topic, const Buf& payload, QoS qos, std::uint16_t id = 0) {
  Publish p;
  p.topic = topic;
  p.payload = view(payload);
  p.qos = qos;
  p.packet_id = id;
  return p;
}

TEST(Publish, EncodesQoS0) {
  const Buf payload = text_bytes("hi");
  const Buf expected = bytes({0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'});
  EXPECT_EQ(encode_ok(make("a/b", payload, QoS::AtMostOnce)), expected);
  // The per-type overloads give the same bytes.
  const Publish p = make("a/b", payload, QoS::AtMostOnce);
  EXPECT_EQ(encoded_size(p), expected.size());
  Buf out(expected.size());
  auto n = encode(p, MutableBytes{out});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, expected.size());
  EXPECT_EQ(out, expected);

  const auto d = decode_as<Publish>(expected);
  EXPECT_EQ(d.topic, "a/b");
  EXPECT_EQ(str(d.payload), "hi");
  EXPECT_EQ(d.qos, QoS::AtMostOnce);
  EXPECT_FALSE(d.retain);
  EXPECT_FALSE(d.dup);
  EXPECT_EQ(d.packet_id, 0);
}

TEST(Publish, EncodesQoS1Retained) {
  const Buf payload = text_bytes("x");
  Publish p = make("t", payload, QoS::AtLeastOnce, 10);
  p.retain = true;
  const Buf expected = bytes({0x33, 0x06, 0x00, 0x01, 't', 0x00, 0x0A, 'x'});
  EXPECT_EQ(encode_ok(p), expected);
  const auto d = decode_as<Publish>(expected);
  EXPECT_EQ(d.topic, "t");
  EXPECT_EQ(str(d.payload), "x");
  EXPECT_EQ(d.qos, QoS::AtLeastOnce);
  EXPECT_TRUE(d.retain);
  EXPECT_FALSE(d.dup);
  EXPECT_EQ(d.packet_id, 10);
}

TEST(Publish, EncodesQoS2DupWithEmptyPayload) {
  Publish p = make("a", {}, QoS::ExactlyOnce, 0x1234);
  p.dup = true;
  const Buf expected = bytes({0x3C, 0x05, 0x00, 0x01, 'a', 0x12, 0x34});
  EXPECT_EQ(encode_ok(p), expected);
  const auto d = decode_as<Publish>(expected);
  EXPECT_EQ(d.qos, QoS::ExactlyOnce);
  EXPECT_TRUE(d.dup);
  EXPECT_FALSE(d.retain);
  EXPECT_EQ(d.packet_id, 0x1234);
  EXPECT_TRUE(d.payload.empty());
}

TEST(Publish, EncodesQoS1DupRetained) {
  const Buf payload = bytes({0x00, 0xFF});  // binary payload, not checked as text
  Publish p = make("$x/y", payload, QoS::AtLeastOnce, 0xFFFF);
  p.dup = true;
  p.retain = true;
  const Buf expected = bytes({0x3B, 0x0A, 0x00, 0x04, '$', 'x', '/', 'y', 0xFF, 0xFF, 0x00, 0xFF});
  EXPECT_EQ(encode_ok(p), expected);
  const auto d = decode_as<Publish>(expected);
  EXPECT_TRUE(d.dup);
  EXPECT_TRUE(d.retain);
  EXPECT_EQ(d.packet_id, 0xFFFF);
  EXPECT_EQ(Buf(d.payload.begin(), d.payload.end()), payload);
}

TEST(Publish, DupIsNeverSentAtQoS0) {  // [MQTT-3.3.1-2]
  Publish p = make("a", {}, QoS::AtMostOnce);
  p.dup = true;
  p.packet_id = 7;  // ignored at QoS 0, [MQTT-3.3.2.2]
  EXPECT_EQ(encode_ok(p), bytes({0x30, 0x03, 0x00, 0x01, 'a'}));
}

TEST(Publish, TwoByteRemainingLength) {
  const Buf payload(200, 'p');
  // 2 + 1 + 200 = 203 = 0xCB: 0xCB 0x01.
  const Buf out = encode_ok(make("t", payload, QoS::AtMostOnce));
  ASSERT_EQ(out.size(), 206u);
  EXPECT_EQ(Buf(out.begin(), out.begin() + 6), bytes({0x30, 0xCB, 0x01, 0x00, 0x01, 't'}));
  EXPECT_EQ(decode_as<Publish>(out).payload.size(), 200u);
}

TEST(Publish, ValidatesTopicOnEncode) {
  const Buf payload = text_bytes("v");
  expect_encode_error(make("", payload, QoS::AtMostOnce), EncodeError::InvalidTopic);
  expect_encode_error(make("a/+", payload, QoS::AtMostOnce), EncodeError::InvalidTopic);
  expect_encode_error(make("a/#", payload, QoS::AtMostOnce), EncodeError::InvalidTopic);
  expect_encode_error(make("a\xC0\x80", payload, QoS::AtMostOnce), EncodeError::InvalidUtf8);
  expect_encode_error(make(std::string_view("a\0", 2), payload, QoS::AtMostOnce),
                      EncodeError::InvalidUtf8);
  // Ill-formed UTF-8 wins over a wildcard found earlier, whichever path found it.
  expect_encode_error(make("a+bcdefghijklmno\xFF", payload, QoS::AtMostOnce),
                      EncodeError::InvalidUtf8);
  const std::string long_topic(65'536, 'a');
  expect_encode_error(make(long_topic, payload, QoS::AtMostOnce), EncodeError::StringTooLong);
  const std::string max_topic(65'535, 'a');
  EXPECT_EQ(encoded_size(make(max_topic, payload, QoS::AtMostOnce)), 1u + 3 + 2 + 65'535 + 1);
}

TEST(Publish, ValidatesQoSAndIdOnEncode) {
  const Buf payload = text_bytes("v");
  expect_encode_error(make("a", payload, static_cast<QoS>(3), 1), EncodeError::InvalidQoS);
  expect_encode_error(make("a", payload, QoS::AtLeastOnce, 0), EncodeError::InvalidPacketId);
  expect_encode_error(make("a", payload, QoS::ExactlyOnce, 0), EncodeError::InvalidPacketId);
}

TEST(Publish, BufferTooSmallAtEverySize) {
  const Buf payload = text_bytes("hello");
  const Publish p = make("a/b", payload, QoS::AtLeastOnce, 1);
  const std::size_t size = encoded_size(p);
  ASSERT_EQ(size, 1u + 1 + 2 + 3 + 2 + 5);
  Buf out(size, 0xEE);
  for (std::size_t n = 0; n < size; ++n) {
    auto r = encode(p, MutableBytes{out.data(), n});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), EncodeError::BufferTooSmall) << n;
  }
  EXPECT_EQ(out, Buf(size, 0xEE)) << "a refused encode wrote bytes";
}

// Payloads near 256 MB: mapped, never touched (the encoder refuses before reading them).
class HugePayload : public ::testing::Test {
 protected:
  void SetUp() override {
    memory_ = mmap(nullptr, kSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory_ == MAP_FAILED) GTEST_SKIP() << "cannot map 256 MB of address space";
  }
  void TearDown() override {
    if (memory_ != MAP_FAILED) munmap(memory_, kSize);
  }
  Bytes payload(std::size_t size) const {
    return {static_cast<const std::uint8_t*>(memory_), size};
  }

  static constexpr std::size_t kSize = kMaxRemainingLength + 16;
  void* memory_ = MAP_FAILED;
};

TEST_F(HugePayload, LargestPacketIsSizedAndOneMoreByteIsTooLarge) {
  Publish p;
  p.topic = "t";
  p.payload = payload(kMaxRemainingLength - 3);  // 2 + 1 + payload = the maximum
  EXPECT_EQ(encoded_size(p), kMaxRemainingLength + 5);
  auto small = encode(p, MutableBytes{});
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error(), EncodeError::BufferTooSmall);

  p.payload = payload(kMaxRemainingLength - 2);
  EXPECT_EQ(encoded_size(p), 0u);
  EXPECT_EQ(encoded_size(Packet{p}), 0u);
  auto r = encode(p, MutableBytes{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncodeError::PacketTooLarge);

  p.payload = payload(kSize);
  EXPECT_EQ(encoded_size(p), 0u);
}

// ---- decode errors -----------------------------------------------------------------------

TEST(Publish, DecodeRefusesBadTopic) {
  EXPECT_EQ(decode_error(packet(0x30, field("a/+") + text_bytes("x"))), DecodeError::InvalidTopic);
  EXPECT_EQ(decode_error(packet(0x30, field("#"))), DecodeError::InvalidTopic);
  EXPECT_EQ(decode_error(packet(0x30, field("") + text_bytes("x"))), DecodeError::InvalidTopic);
  EXPECT_EQ(decode_error(packet(0x30, field("\xE0\x80\xAF"))), DecodeError::InvalidUtf8);
  EXPECT_EQ(decode_error(packet(0x30, field(std::string_view("a\0", 2)))),
            DecodeError::InvalidUtf8);
}

TEST(Publish, DecodeRefusesPacketIdZero) {  // [MQTT-2.3.1-1]
  EXPECT_EQ(decode_error(packet(0x32, field("a") + bytes({0x00, 0x00}))),
            DecodeError::InvalidPacketId);
  EXPECT_EQ(decode_error(packet(0x34, field("a") + bytes({0x00, 0x00, 'x'}))),
            DecodeError::InvalidPacketId);
}

TEST(Publish, DecodeRefusesFieldsPastTheEnd) {
  EXPECT_EQ(decode_error(packet(0x30, Buf{})), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0x30, bytes({0x00}))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0x30, bytes({0x00, 0x05, 'a', 'b'}))), DecodeError::LengthMismatch);
  // QoS 1 without (the whole of) a packet identifier.
  EXPECT_EQ(decode_error(packet(0x32, field("a"))), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(packet(0x32, field("a") + bytes({0x01}))), DecodeError::LengthMismatch);
}

TEST(Publish, DecodedViewsPointIntoTheInput) {
  const Buf in = bytes({0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'});
  auto r = decode(view(in));
  ASSERT_TRUE(r.ok());
  const auto* p = std::get_if<Publish>(&r->packet);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<const std::uint8_t*>(p->topic.data()), in.data() + 4);
  EXPECT_EQ(p->payload.data(), in.data() + 7);
}

}  // namespace
}  // namespace codec_test
