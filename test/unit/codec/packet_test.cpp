// The Packet variant as a whole: every type through encode() and decode(), any split of the
// input, names and sentences.
#include <set>
#include <string>

#include "codec_test.hpp"

namespace codec_test {
namespace {

const Buf kWillPayload = text_bytes("offline");
const Buf kPassword = text_bytes("s3cret");
const Buf kPayload = text_bytes("21.5");
const Subscription kSubs[] = {{"home/+/temp", QoS::AtLeastOnce}, {"alerts/#", QoS::ExactlyOnce}};
const Buf kSubackCodes = bytes({0x01, 0x80});

struct Vector {
  const char* name;
  Packet packet;
  Buf wire;
};

// One byte-exact vector per packet type (and per ack type), computed by hand.
std::vector<Vector> vectors() {
  Connect connect;
  connect.client_id = "dev";
  connect.keep_alive_s = 30;
  connect.will = Will{"dev/status", view(kWillPayload), QoS::AtLeastOnce, true};
  connect.username = "me";
  connect.password = view(kPassword);

  Publish publish;
  publish.topic = "home/kitchen/temp";
  publish.payload = view(kPayload);
  publish.qos = QoS::AtLeastOnce;
  publish.packet_id = 5;

  Subscribe subscribe;
  subscribe.packet_id = 9;
  subscribe.filters = FilterList{kSubs};

  Unsubscribe unsubscribe;
  unsubscribe.packet_id = 10;
  unsubscribe.filters = FilterList{kSubs};

  Suback suback;
  suback.packet_id = 9;
  suback.return_codes = view(kSubackCodes);

  return {
      {"CONNECT", connect,
       // body: 10 + (2+3) + (2+10) + (2+7) + (2+2) + (2+6) = 48 = 0x30; flags 0xEE
       bytes({0x10, 0x30, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xEE, 0x00, 0x1E,
              0x00, 0x03, 'd', 'e', 'v',
              0x00, 0x0A, 'd', 'e', 'v', '/', 's', 't', 'a', 't', 'u', 's',
              0x00, 0x07, 'o', 'f', 'f', 'l', 'i', 'n', 'e',
              0x00, 0x02, 'm', 'e',
              0x00, 0x06, 's', '3', 'c', 'r', 'e', 't'})},
      {"CONNACK", Connack{true, ConnectReturnCode::Accepted}, bytes({0x20, 0x02, 0x01, 0x00})},
      {"PUBLISH", publish,
       // body: (2+17) + 2 + 4 = 25 = 0x19
       bytes({0x32, 0x19, 0x00, 0x11, 'h', 'o', 'm', 'e', '/', 'k', 'i', 't', 'c', 'h', 'e', 'n',
              '/', 't', 'e', 'm', 'p', 0x00, 0x05, '2', '1', '.', '5'})},
      {"PUBACK", Ack{PacketType::Puback, 5}, bytes({0x40, 0x02, 0x00, 0x05})},
      {"PUBREC", Ack{PacketType::Pubrec, 6}, bytes({0x50, 0x02, 0x00, 0x06})},
      {"PUBREL", Ack{PacketType::Pubrel, 6}, bytes({0x62, 0x02, 0x00, 0x06})},
      {"PUBCOMP", Ack{PacketType::Pubcomp, 6}, bytes({0x70, 0x02, 0x00, 0x06})},
      {"SUBSCRIBE", subscribe,
       // body: 2 + (2+11+1) + (2+8+1) = 27 = 0x1B
       bytes({0x82, 0x1B, 0x00, 0x09, 0x00, 0x0B, 'h', 'o', 'm', 'e', '/', '+', '/', 't', 'e',
              'm', 'p', 0x01, 0x00, 0x08, 'a', 'l', 'e', 'r', 't', 's', '/', '#', 0x02})},
      {"SUBACK", suback, bytes({0x90, 0x04, 0x00, 0x09, 0x01, 0x80})},
      {"UNSUBSCRIBE", unsubscribe,
       // body: 2 + (2+11) + (2+8) = 25 = 0x19
       bytes({0xA2, 0x19, 0x00, 0x0A, 0x00, 0x0B, 'h', 'o', 'm', 'e', '/', '+', '/', 't', 'e',
              'm', 'p', 0x00, 0x08, 'a', 'l', 'e', 'r', 't', 's', '/', '#'})},
      {"UNSUBACK", Ack{PacketType::Unsuback, 10}, bytes({0xB0, 0x02, 0x00, 0x0A})},
      {"PINGREQ", Pingreq{}, bytes({0xC0, 0x00})},
      {"PINGRESP", Pingresp{}, bytes({0xD0, 0x00})},
      {"DISCONNECT", Disconnect{}, bytes({0xE0, 0x00})},
  };
}

TEST(Packet, EncodesEveryVector) {
  for (const auto& v : vectors()) {
    EXPECT_EQ(encoded_size(v.packet), v.wire.size()) << v.name;
    EXPECT_EQ(encode_ok(v.packet), v.wire) << v.name;
  }
}

TEST(Packet, DecodesEveryVectorBackToItsBytes) {
  for (const auto& v : vectors()) {
    auto r = decode(view(v.wire));
    ASSERT_TRUE(r.ok()) << v.name << ": " << describe(r.error());
    EXPECT_EQ(r->size, v.wire.size()) << v.name;
    EXPECT_EQ(r->packet.index(), v.packet.index()) << v.name;
    EXPECT_EQ(type_of(r->packet), type_of(v.packet)) << v.name;
    EXPECT_EQ(name_of(type_of(r->packet)), v.name);
    EXPECT_EQ(encode_ok(r->packet), v.wire) << v.name << ": decode then encode differs";
  }
}

TEST(Packet, EveryPrefixIsIncomplete) {
  for (const auto& v : vectors()) {
    for (std::size_t n = 0; n < v.wire.size(); ++n) {
      auto r = decode(Bytes{v.wire.data(), n});
      ASSERT_FALSE(r.ok()) << v.name << " decoded from " << n << " bytes";
      EXPECT_EQ(r.error(), DecodeError::Incomplete) << v.name << " prefix " << n;
    }
  }
}

TEST(Packet, EveryPrefixOfALargePacketIsIncomplete) {
  const Buf payload(300, 'z');  // two length bytes
  Publish p;
  p.topic = "a/b";
  p.payload = view(payload);
  const Buf wire = encode_ok(p);
  ASSERT_EQ(wire.size(), 1u + 2 + 5 + 300);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto r = decode(Bytes{wire.data(), n});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::Incomplete) << n;
  }
  EXPECT_EQ(decode_as<Publish>(wire).payload.size(), 300u);
}

TEST(Packet, DecodesAStreamOnePacketAtATime) {
  Buf stream;
  const auto all = vectors();
  for (const auto& v : all) stream = stream + v.wire;
  std::size_t offset = 0;
  for (const auto& v : all) {
    auto r = decode(Bytes{stream.data() + offset, stream.size() - offset});
    ASSERT_TRUE(r.ok()) << v.name;
    EXPECT_EQ(r->size, v.wire.size()) << v.name;
    EXPECT_EQ(type_of(r->packet), type_of(v.packet)) << v.name;
    offset += r->size;
  }
  EXPECT_EQ(offset, stream.size());
}

TEST(Packet, BufferTooSmallAtEverySizeAndNothingWritten) {
  for (const auto& v : vectors()) {
    Buf out(v.wire.size(), 0xEE);
    for (std::size_t n = 0; n < v.wire.size(); ++n) {
      auto r = encode(v.packet, MutableBytes{out.data(), n});
      ASSERT_FALSE(r.ok()) << v.name;
      EXPECT_EQ(r.error(), EncodeError::BufferTooSmall) << v.name << " size " << n;
    }
    EXPECT_EQ(out, Buf(v.wire.size(), 0xEE)) << v.name;
    // A larger buffer is fine and only the packet's bytes are written.
    Buf big(v.wire.size() + 3, 0xEE);
    auto r = encode(v.packet, MutableBytes{big});
    ASSERT_TRUE(r.ok()) << v.name;
    EXPECT_EQ(*r, v.wire.size());
    EXPECT_EQ(Buf(big.begin(), big.begin() + static_cast<long>(v.wire.size())), v.wire);
    EXPECT_EQ(big.back(), 0xEE);
  }
}

TEST(Packet, EmptyPackets) {
  EXPECT_EQ(encode_ok(Pingreq{}), bytes({0xC0, 0x00}));
  EXPECT_EQ(encode_ok(Pingresp{}), bytes({0xD0, 0x00}));
  EXPECT_EQ(encode_ok(Disconnect{}), bytes({0xE0, 0x00}));
  decode_as<Pingreq>(bytes({0xC0, 0x00}));
  decode_as<Pingresp>(bytes({0xD0, 0x00}));
  decode_as<Disconnect>(bytes({0xE0, 0x00}));
  EXPECT_EQ(decode_error(bytes({0xC0, 0x01, 0x00})), DecodeError::LengthMismatch);
  EXPECT_EQ(decode_error(bytes({0xE1, 0x00})), DecodeError::InvalidFixedHeaderFlags);
}

TEST(Packet, TypeOfAck) {
  EXPECT_EQ(type_of(Ack{PacketType::Pubrec, 1}), PacketType::Pubrec);
  EXPECT_EQ(type_of(Ack{PacketType::Unsuback, 1}), PacketType::Unsuback);
  EXPECT_EQ(type_of(Packet{}), PacketType::Connect);
  EXPECT_EQ(type_of(Suback{}), PacketType::Suback);
}

TEST(Packet, NamesOfEveryType) {
  const char* names[] = {"CONNECT",   "CONNACK",     "PUBLISH",  "PUBACK",  "PUBREC",
                         "PUBREL",    "PUBCOMP",     "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE",
                         "UNSUBACK",  "PINGREQ",     "PINGRESP", "DISCONNECT", "AUTH"};
  for (int t = 1; t <= 15; ++t) EXPECT_EQ(name_of(static_cast<PacketType>(t)), names[t - 1]);
  EXPECT_EQ(name_of(static_cast<PacketType>(0)), "UNKNOWN");
}

// Every error has its own short lower-case sentence.
template <class E>
void expect_sentences(int first, int last) {
  std::set<std::string> seen;
  for (int i = first; i <= last; ++i) {
    const std::string_view text = describe(static_cast<E>(i));
    EXPECT_FALSE(text.empty()) << i;
    EXPECT_LT(text.size(), 60u) << text;
    EXPECT_EQ(text.find("unknown"), std::string_view::npos) << i << " has no sentence";
    for (char c : text) EXPECT_FALSE(c >= 'A' && c <= 'Z') << text;
    EXPECT_TRUE(seen.insert(std::string(text)).second) << "duplicate: " << text;
  }
}

TEST(Describe, EncodeErrors) {
  expect_sentences<EncodeError>(static_cast<int>(EncodeError::BufferTooSmall),
                                static_cast<int>(EncodeError::InvalidPacketType));
  EXPECT_EQ(describe(static_cast<EncodeError>(0)), "unknown encode error");
}

TEST(Describe, DecodeErrors) {
  expect_sentences<DecodeError>(static_cast<int>(DecodeError::Incomplete),
                                static_cast<int>(DecodeError::InvalidSubscriptionOptions));
  EXPECT_EQ(describe(DecodeError::MalformedRemainingLength),
            "remaining length uses more than 4 bytes");
  EXPECT_EQ(describe(static_cast<DecodeError>(200)), "unknown decode error");
}

}  // namespace
}  // namespace codec_test
