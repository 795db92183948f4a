// 5.0 connection setup: CONNECT level 5 with the configured properties, the CONNACK's limits
// (server_limits(), the in-flight window, the server's keep-alive) and a refusing CONNACK.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::ProtocolVersion;
using codec::QoS;

TEST(SessionV5Connect, ConnectIsLevel5WithTheConfiguredProperties) {
  PropertyBuffer props;
  props.add(PropertyId::SessionExpiryInterval, 3600).add(PropertyId::ReceiveMaximum, 16);
  SessionConfig config = v5_config();
  config.connect_properties = props.get();
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);

  codec::Connect expected;
  expected.version = ProtocolVersion::V5;
  expected.client_id = "esp32_0011223344";
  expected.keep_alive_s = 10;
  expected.clean_session = true;
  expected.properties = props.get();
  EXPECT_EQ(sent[0].bytes, v5_bytes(expected));
  // 10 LL 00 04 'M' 'Q' 'T' 'T' <level>: [MQTT-3.1.2-2]
  ASSERT_GT(sent[0].bytes.size(), 8u);
  EXPECT_EQ(sent[0].bytes[8], 5);
  const auto c = std::get<codec::Connect>(sent[0].packet());
  EXPECT_EQ(c.properties.number_or(PropertyId::SessionExpiryInterval, 0), 3600u);
}

TEST(SessionV5Connect, Version311IgnoresConnectProperties) {
  PropertyBuffer props;
  props.add(PropertyId::SessionExpiryInterval, 3600);
  SessionConfig config = SessionHarness::default_config();
  config.connect_properties = props.get();
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  codec::Connect expected;
  expected.client_id = "esp32_0011223344";
  expected.keep_alive_s = 10;
  EXPECT_EQ(sent[0].bytes, encoded(expected, ProtocolVersion::V311));
  EXPECT_EQ(sent[0].bytes[8], 4);
}

TEST(SessionV5Connect, ConnackLimitsAreReported) {
  SessionHarness h(v5_config());
  EXPECT_EQ(h.session().version(), ProtocolVersion::V5);
  PropertyBuffer limits;
  limits.add(PropertyId::ReceiveMaximum, 5)
      .add(PropertyId::MaximumPacketSize, 1024)
      .add(PropertyId::TopicAliasMaximum, 10)
      .add(PropertyId::MaximumQoS, 1)
      .add(PropertyId::RetainAvailable, 0)
      .add(PropertyId::ServerKeepAlive, 30)
      .add(PropertyId::WildcardSubscriptionAvailable, 0)
      .add(PropertyId::AssignedClientIdentifier, std::string_view{"auto-7f3a"});
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, limits.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Connected);
  EXPECT_EQ(evs[0].assigned_client_id, "auto-7f3a");

  const ServerLimits& s = h.session().server_limits();
  EXPECT_EQ(s.receive_maximum, 5);
  EXPECT_EQ(s.maximum_packet_size, 1024u);
  EXPECT_EQ(s.topic_alias_maximum, 10);
  EXPECT_EQ(s.maximum_qos, 1);
  EXPECT_FALSE(s.retain_available);
  EXPECT_FALSE(s.wildcard_subscriptions);
  EXPECT_TRUE(s.shared_subscriptions);
  ASSERT_TRUE(s.keep_alive_s.has_value());
  EXPECT_EQ(*s.keep_alive_s, 30);

  // The next connection starts from the defaults until its own CONNACK.
  h.session().connection_lost(h.now());
  h.events();
  h.connect();
  const ServerLimits& fresh = h.session().server_limits();
  EXPECT_EQ(fresh.receive_maximum, 65535);
  EXPECT_EQ(fresh.maximum_packet_size, 0u);
  EXPECT_EQ(fresh.topic_alias_maximum, 0);
  EXPECT_EQ(fresh.maximum_qos, 2);
  EXPECT_TRUE(fresh.retain_available);
  EXPECT_FALSE(fresh.keep_alive_s.has_value());
}

TEST(SessionV5Connect, ReceiveMaximumCapsTheInFlightWindow) {
  SessionConfig config = v5_config();
  config.max_inflight = 20;
  SessionHarness h(config);
  PropertyBuffer limits;
  limits.add(PropertyId::ReceiveMaximum, 2);
  h.connect(false, limits.get());
  for (int i = 0; i < 5; ++i) h.publish("devices/x/a", "1", QoS::AtLeastOnce);

  auto first = h.transmit();
  ASSERT_EQ(first.size(), 2u);  // [MQTT-3.3.4-9]
  EXPECT_EQ(first[0].publish().packet_id, 1);
  EXPECT_EQ(first[1].publish().packet_id, 2);
  EXPECT_EQ(h.session().stats().inflight, 2u);
  EXPECT_TRUE(h.transmit().empty());
  // Nothing to do until an acknowledgement: no busy loop on the full window.
  EXPECT_GT(h.session().next_deadline(h.now()), h.now());

  h.receive(codec::Ack{PacketType::Puback, 1});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
  auto next = h.transmit();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].publish().packet_id, 3);
  EXPECT_EQ(h.session().stats().inflight, 2u);

  h.receive(codec::Ack{PacketType::Puback, 2});
  h.receive(codec::Ack{PacketType::Puback, 3});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 2u);
  EXPECT_EQ(h.transmit().size(), 2u);
}

TEST(SessionV5Connect, ResendsAfterAReconnectRespectALowerReceiveMaximum) {
  SessionConfig config = v5_config();
  config.clean_session = false;
  SessionHarness h(config);
  h.connect();
  for (int i = 0; i < 5; ++i) h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  ASSERT_EQ(h.transmit().size(), 5u);
  h.session().connection_lost(h.now());
  h.events();

  PropertyBuffer limits;
  limits.add(PropertyId::ReceiveMaximum, 2);
  h.connect(true, limits.get());
  auto resent = h.transmit();
  ASSERT_EQ(resent.size(), 2u);  // [MQTT-3.3.4-9]: resends count against the window too
  EXPECT_EQ(resent[0].publish().packet_id, 1);
  EXPECT_TRUE(resent[0].publish().dup);
  EXPECT_EQ(resent[1].publish().packet_id, 2);
  EXPECT_GT(h.session().next_deadline(h.now()), h.now());  // no busy loop on a full window

  h.receive(codec::Ack{PacketType::Puback, 1});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
  auto next = h.transmit();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].publish().packet_id, 3);
  for (std::uint16_t id = 2; id <= 5; ++id) {
    h.receive(codec::Ack{PacketType::Puback, id});
    h.events();
    h.transmit();
  }
  EXPECT_EQ(h.session().stats().inflight, 0u);
  EXPECT_EQ(h.session().stats().delivered, 5u);
}

TEST(SessionV5Connect, WithoutReceiveMaximumTheConfiguredWindowHolds) {
  SessionConfig config = v5_config();
  config.max_inflight = 3;
  SessionHarness h(config);
  h.connect();
  for (int i = 0; i < 5; ++i) h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  EXPECT_EQ(h.transmit().size(), 3u);
}

TEST(SessionV5Connect, ServerKeepAliveReplacesOurs) {
  SessionHarness h(v5_config());  // keep-alive 10 s
  PropertyBuffer limits;
  limits.add(PropertyId::ServerKeepAlive, 30);
  h.connect(false, limits.get());
  const Millis connected_at = h.now();
  EXPECT_EQ(h.session().next_deadline(h.now()), connected_at + 30'000);

  h.advance(10'000);  // our own keep-alive would ping here
  EXPECT_TRUE(h.transmit().empty());
  h.advance(19'999);
  EXPECT_TRUE(h.transmit().empty());
  h.advance(1);
  auto ping = h.transmit();
  ASSERT_EQ(ping.size(), 1u);
  EXPECT_EQ(ping[0].type, PacketType::Pingreq);
  // No answer: the link is declared dead half a keep-alive (of the server's) later.
  h.advance(14'999);
  EXPECT_TRUE(h.events().empty());
  h.advance(1);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::KeepAliveTimeout);
}

TEST(SessionV5Connect, ShorterServerKeepAliveIsObeyed) {
  SessionConfig config = v5_config();
  config.keep_alive_s = 60;
  SessionHarness h(config);
  PropertyBuffer limits;
  limits.add(PropertyId::ServerKeepAlive, 5);
  h.connect(false, limits.get());
  h.advance(4'999);
  EXPECT_TRUE(h.transmit().empty());
  h.advance(1);
  auto ping = h.transmit();
  ASSERT_EQ(ping.size(), 1u);
  EXPECT_EQ(ping[0].type, PacketType::Pingreq);
}

TEST(SessionV5Connect, ServerKeepAliveZeroTurnsPingingOff) {
  SessionHarness h(v5_config());
  PropertyBuffer limits;
  limits.add(PropertyId::ServerKeepAlive, 0);
  h.connect(false, limits.get());
  EXPECT_EQ(h.session().next_deadline(h.now()), kNever);
  h.advance(3'600'000);
  EXPECT_TRUE(h.transmit().empty());
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionV5Connect, RefusingConnackCarriesReasonCodeAndString) {
  SessionHarness h(v5_config());
  PropertyBuffer props;
  props.add(PropertyId::ReasonString, std::string_view{"password expired"});
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, static_cast<codec::ConnectReturnCode>(0x86), props.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Refused);
  EXPECT_EQ(evs[0].reason_code, 0x86);
  EXPECT_EQ(static_cast<std::uint8_t>(evs[0].refused), 0x86);
  EXPECT_EQ(evs[0].reason_string, "password expired");
  EXPECT_EQ(describe(evs[0].refused), codec::describe_reason_code(0x86));
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
}

TEST(SessionV5Connect, UseAnotherServerCarriesTheReference) {
  SessionHarness h(v5_config());
  PropertyBuffer props;
  props.add(PropertyId::ServerReference, std::string_view{"mqtt2.example.net:8883"});
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, static_cast<codec::ConnectReturnCode>(0x9C), props.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Refused);
  EXPECT_EQ(evs[0].reason_code, 0x9C);
  EXPECT_EQ(evs[0].server_reference, "mqtt2.example.net:8883");
}

}  // namespace
}  // namespace mqtt_setup::testing
