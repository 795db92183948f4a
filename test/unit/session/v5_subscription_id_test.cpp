// 5.0 subscription identifiers ([MQTT-3.8.2.1.2], [MQTT-3.3.4-3]): SUBSCRIBE carries the one the
// caller gives when the broker allows them (CONNACK Subscription Identifier Available, default
// yes), and the identifiers of a received PUBLISH (one per matching subscription) reach the
// Message event unchanged.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;

const codec::Subscription kFilters[] = {{"devices/x/cmd/#", QoS::AtLeastOnce}};

codec::Subscribe subscribe_packet(std::uint16_t packet_id, codec::Properties properties = {}) {
  codec::Subscribe s{packet_id, codec::FilterList{kFilters}};
  s.properties = properties;
  return s;
}

TEST(SessionV5SubscriptionId, SubscribeCarriesTheIdentifier) {
  SessionHarness h(v5_config());
  h.connect();
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 7).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  PropertyBuffer id;
  id.add(PropertyId::SubscriptionIdentifier, 7);
  EXPECT_EQ(sent[0].bytes, v5_bytes(subscribe_packet(1, id.get())));
  // 82 LL 00 01 | 02 0B 07 | filter | options
  ASSERT_GT(sent[0].bytes.size(), 7u);
  EXPECT_EQ(sent[0].bytes[4], 0x02);
  EXPECT_EQ(sent[0].bytes[5], 0x0B);
  EXPECT_EQ(sent[0].bytes[6], 0x07);
}

TEST(SessionV5SubscriptionId, LargestIdentifierIsAFourByteInteger) {
  SessionHarness h(v5_config());
  h.connect();
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 268'435'455).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  const auto s = std::get<codec::Subscribe>(sent[0].packet());
  EXPECT_EQ(s.properties.number_or(PropertyId::SubscriptionIdentifier, 0), 268'435'455u);
  // Above the variable byte integer's range ([MQTT-1.5.5]): refused, nothing queued.
  EXPECT_EQ(h.session().subscribe(kFilters, h.now(), 268'435'456).error(),
            SessionError::InvalidMessage);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionV5SubscriptionId, ZeroMeansNone) {
  SessionHarness h(v5_config());
  h.connect();
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 0).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, v5_bytes(subscribe_packet(1)));
}

TEST(SessionV5SubscriptionId, LeftOutUnder311) {
  SessionHarness h;  // 3.1.1
  h.connect();
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 7).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, encoded(subscribe_packet(1), ProtocolVersion::V311));
}

// [MQTT-3.2.2.3.12]: a broker that announces no subscription identifiers must not get one
// (it would close the connection with 0xA1).
TEST(SessionV5SubscriptionId, LeftOutWhenTheBrokerHasNone) {
  SessionHarness h(v5_config());
  PropertyBuffer none;
  none.add(PropertyId::SubscriptionIdentifierAvailable, 0);
  h.connect(false, none.get());
  EXPECT_FALSE(h.session().server_limits().subscription_identifiers);
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 7).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, v5_bytes(subscribe_packet(1)));
}

// A SUBSCRIBE still unanswered when the link broke goes again after the reconnect; when that
// CONNACK takes subscription identifiers away, the resend carries none.
TEST(SessionV5SubscriptionId, ResentWithoutItWhenTheNextBrokerHasNone) {
  SessionHarness h(v5_config());
  h.connect();
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 3).ok());
  auto first = h.transmit();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(std::get<codec::Subscribe>(first[0].packet())
                .properties.number_or(PropertyId::SubscriptionIdentifier, 0),
            3u);
  h.session().connection_lost(h.now());
  h.events();
  PropertyBuffer none;
  none.add(PropertyId::SubscriptionIdentifierAvailable, 0);
  h.connect(false, none.get());
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].bytes, v5_bytes(subscribe_packet(1)));
  // And with identifiers available again, the stored request has kept its own.
  h.session().connection_lost(h.now());
  h.events();
  h.connect();
  auto third = h.transmit();
  ASSERT_EQ(third.size(), 1u);
  PropertyBuffer id;
  id.add(PropertyId::SubscriptionIdentifier, 3);
  EXPECT_EQ(third[0].bytes, v5_bytes(subscribe_packet(1, id.get())));
}

// Stored as 5.0 with its identifier, sent to a 3.1.1 broker after the fallback: a plain 3.1.1
// SUBSCRIBE (3.1.1 has no properties).
TEST(SessionV5SubscriptionId, LeftOutAfterTheFallbackTo311) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(h.session().subscribe(kFilters, h.now(), 4).ok());  // queued, not connected
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive_bytes({0x20, 0x02, 0x00, 0x01});  // a 3.1.1 broker: unacceptable protocol version
  h.events();
  h.session().fall_back_to_311();
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, encoded(subscribe_packet(1), ProtocolVersion::V311));
}

// [MQTT-3.3.4-3], [MQTT-3.3.4-5]: one copy of a message for two matching subscriptions carries
// both identifiers; the event holds them in wire order.
TEST(SessionV5SubscriptionId, IncomingPublishCarriesEveryIdentifier) {
  SessionHarness h(v5_config());
  h.connect();
  PropertyBuffer ids;
  ids.add(PropertyId::SubscriptionIdentifier, 2).add(PropertyId::SubscriptionIdentifier, 1);
  h.receive(make_publish("devices/x/cmd/on", "1", QoS::AtLeastOnce, 9, ids.get()));
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Message);
  std::vector<std::uint32_t> got;
  for (const std::uint32_t id : evs[0].message.properties.numbers(PropertyId::SubscriptionIdentifier)) {
    got.push_back(id);
  }
  EXPECT_EQ(got, (std::vector<std::uint32_t>{2, 1}));
}

// [MQTT-3.3.4-6] is the other way round; a 0 from the broker is a protocol error
// ([MQTT-3.8.2.1.2]: identifiers are 1 to 268,435,455) and ends the connection.
TEST(SessionV5SubscriptionId, IncomingIdentifierZeroEndsTheConnection) {
  SessionHarness h(v5_config());
  h.connect();
  // 30 LL | 00 01 't' | 02 0B 00 | 'x'
  h.receive_bytes({0x30, 0x07, 0x00, 0x01, 't', 0x02, 0x0B, 0x00, 'x'});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::MalformedPacket);
  EXPECT_EQ(evs[0].decode_error, codec::DecodeError::InvalidPropertyValue);
}

}  // namespace
}  // namespace mqtt_setup::testing
