// A session configured for 5.0 meeting a 3.1.1 broker: the broker's CONNACK (return code 1,
// "unacceptable protocol version") is a refusal, and after fall_back_to_311() everything stored
// in 5.0 form goes out as valid 3.1.1.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;

// What a 3.1.1 broker answers to a level-5 CONNECT, [MQTT-3.1.2-2]: its own CONNACK layout.
const std::vector<std::uint8_t> kUnacceptableProtocolVersion = {0x20, 0x02, 0x00, 0x01};

void refused_by_311_broker(SessionHarness& h) {
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].type, PacketType::Connect);
  ASSERT_EQ(sent[0].bytes[8], 5);
  h.receive_bytes(kUnacceptableProtocolVersion);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Refused);
  EXPECT_EQ(evs[0].refused, codec::ConnectReturnCode::UnacceptableProtocolVersion);
  EXPECT_EQ(evs[0].reason_code, 0x01);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
}

TEST(SessionV5Fallback, OldBrokersConnackIsARefusal) {
  SessionHarness h(v5_config());
  refused_by_311_broker(h);
}

TEST(SessionV5Fallback, OldBrokersAcceptingConnackIsStillMalformed) {
  // 0x00 in the 3.1.1 layout to a level-5 CONNECT: the broker claims 5.0 but does not speak
  // it (no property length). Not a refusal to fall back on.
  SessionHarness h(v5_config());
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive_bytes({0x20, 0x02, 0x00, 0x00});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::MalformedPacket);
}

TEST(SessionV5Fallback, Broker5RefusingTheVersionIsA5Refusal) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, static_cast<codec::ConnectReturnCode>(0x84)});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Refused);
  EXPECT_EQ(evs[0].reason_code, codec::reason::kUnsupportedProtocolVersion);
}

TEST(SessionV5Fallback, StoredMessagesGoOutAs311) {
  SessionHarness h(v5_config());
  PropertyBuffer user;
  user.add_user("unit", "C").add(PropertyId::ContentType, std::string_view{"text/plain"});
  auto t1 = h.session().publish(
      make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce, 0, user.get()), h.now());
  auto t2 = h.session().publish(
      make_publish("devices/x/hum", "40", QoS::AtLeastOnce, 0, user.get()), h.now());
  PublishOptions ttl;
  ttl.ttl_ms = 60'000;
  auto t3 = h.session().publish(make_publish("devices/x/led", "on"), h.now(), ttl);
  ASSERT_TRUE(t1 && t2 && t3);
  const codec::Subscription filters[] = {{"devices/x/cmd/#", QoS::AtLeastOnce, true}};
  auto sub = h.session().subscribe(filters, h.now());
  ASSERT_TRUE(sub);

  refused_by_311_broker(h);
  h.session().fall_back_to_311();
  EXPECT_EQ(h.session().version(), ProtocolVersion::V311);

  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto connect = h.transmit();
  ASSERT_EQ(connect.size(), 1u);
  codec::Connect expected_connect;
  expected_connect.client_id = "esp32_0011223344";
  expected_connect.keep_alive_s = 10;
  EXPECT_EQ(connect[0].bytes, encoded(expected_connect, ProtocolVersion::V311));
  EXPECT_EQ(connect[0].bytes[8], 4);
  h.receive_bytes({0x20, 0x02, 0x00, 0x00});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Connected);

  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 4u);
  const auto v311 = ProtocolVersion::V311;
  EXPECT_EQ(sent[0].bytes,
            encoded(make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce, 1), v311));
  EXPECT_EQ(sent[1].bytes, encoded(make_publish("devices/x/hum", "40", QoS::AtLeastOnce, 2), v311));
  EXPECT_EQ(sent[2].bytes, encoded(make_publish("devices/x/led", "on"), v311));
  const codec::Subscription plain[] = {{"devices/x/cmd/#", QoS::AtLeastOnce}};
  EXPECT_EQ(sent[3].bytes, encoded(codec::Subscribe{3, codec::FilterList{plain}}, v311));

  h.receive(codec::Ack{PacketType::Puback, 1});
  h.receive(codec::Ack{PacketType::Puback, 2});
  const std::uint8_t granted[] = {1};
  h.receive(codec::Suback{3, granted});
  evs = h.events();
  auto delivered = of_kind(evs, Event::Kind::Delivered);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].ticket, t1->id);
  EXPECT_EQ(delivered[1].ticket, t2->id);
  auto subscribed = of_kind(evs, Event::Kind::Subscribed);
  ASSERT_EQ(subscribed.size(), 1u);
  EXPECT_EQ(subscribed[0].ticket, sub->id);
  EXPECT_EQ(h.session().stats().queued, 0u);
  EXPECT_EQ(h.session().stats().inflight, 0u);
}

TEST(SessionV5Fallback, PublishingAfterTheFallbackSpeaks311) {
  SessionConfig config = v5_config();
  config.topic_aliases = 4;
  config.clean_session = false;
  SessionHarness h(config);
  refused_by_311_broker(h);
  h.session().fall_back_to_311();
  h.connect();
  PropertyBuffer user;
  user.add_user("unit", "C");
  ASSERT_TRUE(h.session().publish(
      make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce, 0, user.get()), h.now()));
  ASSERT_TRUE(h.session().publish(
      make_publish("devices/x/temp", "21.6", QoS::AtLeastOnce, 0, user.get()), h.now()));
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  const auto v311 = ProtocolVersion::V311;
  EXPECT_EQ(sent[0].bytes,
            encoded(make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce, 1), v311));
  EXPECT_EQ(sent[1].bytes,
            encoded(make_publish("devices/x/temp", "21.6", QoS::AtLeastOnce, 2), v311));

  // Resent after a reconnect, still 3.1.1, with DUP.
  h.receive(codec::Ack{PacketType::Puback, 1});
  h.events();
  h.session().connection_lost(h.now());
  h.events();
  h.connect(true);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  codec::Publish dup = make_publish("devices/x/temp", "21.6", QoS::AtLeastOnce, 2);
  dup.dup = true;
  EXPECT_EQ(again[0].bytes, encoded(dup, v311));
}

}  // namespace
}  // namespace mqtt_setup::testing
