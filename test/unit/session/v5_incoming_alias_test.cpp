// Topic aliases the broker uses in PUBLISH packets to us ([MQTT-3.3.2.3.4]), up to the maximum
// we announced (SessionConfig::topic_alias_maximum_in), their topics kept in the caller's
// SessionBuffers::incoming_aliases.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::QoS;

SessionHarness aliased(std::uint16_t maximum, std::size_t bytes) {
  SessionConfig c = v5_config();
  c.topic_alias_maximum_in = maximum;
  TableSizes t;
  t.incoming_aliases = bytes;
  return SessionHarness(c, 64 * 1024, 4096, 8192, t);
}

void receive_aliased(SessionHarness& h, std::string_view topic, std::uint32_t alias,
                     std::string_view payload) {
  PropertyBuffer props;
  props.add(PropertyId::TopicAlias, alias);
  h.receive(make_publish(topic, payload, QoS::AtMostOnce, 0, props.get()));
}

std::string topic_of_next_message(SessionHarness& h) {
  auto evs = h.events();
  EXPECT_EQ(evs.size(), 1u);
  if (evs.size() != 1u || evs[0].kind != Event::Kind::Message) return "<no message>";
  return std::string(evs[0].message.topic);
}

std::uint8_t farewell_code(SessionHarness& h) {
  auto sent = h.transmit();
  if (sent.size() != 1u || sent[0].type != codec::PacketType::Disconnect) return 0;
  return std::get<codec::Disconnect>(sent[0].packet()).reason_code;
}

TEST(SessionV5IncomingAlias, TopicThenAliasAloneResolves) {
  auto h = aliased(4, 256);
  h.connect();
  receive_aliased(h, "devices/x/commands/led", 1, "on");
  EXPECT_EQ(topic_of_next_message(h), "devices/x/commands/led");
  receive_aliased(h, "", 1, "off");
  EXPECT_EQ(topic_of_next_message(h), "devices/x/commands/led");
  EXPECT_EQ(h.session().stats().received, 2u);
}

TEST(SessionV5IncomingAlias, AMappingCanChange) {
  auto h = aliased(4, 256);
  h.connect();
  receive_aliased(h, "a/first", 2, "1");
  (void)h.events();
  receive_aliased(h, "b/second/longer", 2, "2");  // [MQTT-3.3.2-12]: a new topic for alias 2
  (void)h.events();
  receive_aliased(h, "", 2, "3");
  EXPECT_EQ(topic_of_next_message(h), "b/second/longer");
}

TEST(SessionV5IncomingAlias, UnknownAliasWithEmptyTopicIs0x94) {
  auto h = aliased(4, 256);
  h.connect();
  receive_aliased(h, "", 3, "x");
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::TopicAliasInvalid);
  EXPECT_EQ(farewell_code(h), codec::reason::kTopicAliasInvalid);
}

TEST(SessionV5IncomingAlias, AliasAboveTheAnnouncedMaximumIs0x94) {
  auto h = aliased(4, 256);
  h.connect();
  receive_aliased(h, "devices/x/a", 5, "x");  // [MQTT-3.3.2-9]
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::TopicAliasInvalid);
  EXPECT_EQ(farewell_code(h), codec::reason::kTopicAliasInvalid);
  EXPECT_EQ(h.session().stats().received, 0u);
}

TEST(SessionV5IncomingAlias, AliasZeroEndsTheConnection) {
  auto h = aliased(4, 256);
  h.connect();
  // PUBLISH QoS 0 "devices/x/a", properties: topic alias 0 ([MQTT-3.3.2-8]), payload "x".
  std::vector<std::uint8_t> bytes = {0x30, 0x12, 0x00, 0x0B};
  for (char c : std::string_view{"devices/x/a"}) bytes.push_back(static_cast<std::uint8_t>(c));
  bytes.insert(bytes.end(), {0x03, 0x23, 0x00, 0x00, 0x78});
  h.receive_bytes(bytes);
  // The codec refuses the value itself (a property value the spec forbids): malformed, 0x81.
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::MalformedPacket);
  EXPECT_EQ(evs[0].decode_error, codec::DecodeError::InvalidPropertyValue);
  EXPECT_EQ(farewell_code(h), codec::reason::kMalformedPacket);
  EXPECT_EQ(h.session().stats().received, 0u);
}

TEST(SessionV5IncomingAlias, NoneAnnouncedMeansAnyAliasIs0x94) {
  auto h = aliased(0, 256);
  h.connect();
  receive_aliased(h, "devices/x/a", 1, "x");
  EXPECT_EQ(h.events()[0].violation, Violation::TopicAliasInvalid);
}

TEST(SessionV5IncomingAlias, AliasesLastOneConnection) {
  auto h = aliased(4, 256);
  h.connect();
  receive_aliased(h, "devices/x/a", 1, "x");
  (void)h.events();
  h.session().connection_lost(h.now());
  (void)h.events();
  h.connect();
  receive_aliased(h, "", 1, "y");  // [MQTT-3.3.2-7]: the mapping died with the connection
  EXPECT_EQ(h.events()[0].violation, Violation::TopicAliasInvalid);
}

TEST(SessionV5IncomingAlias, ALongTopicIsDeliveredAndMakesRoomByForgettingTheOldest) {
  // 64 bytes of table: "devices/x/a" (4 + 11) and "devices/x/b" fit; a 40-byte topic then
  // pushes out the oldest mapping. Its message is delivered all the same.
  auto h = aliased(4, 64);
  h.connect();
  receive_aliased(h, "devices/x/a", 1, "1");
  (void)h.events();
  receive_aliased(h, "devices/x/b", 2, "2");
  (void)h.events();
  const std::string long_topic = "devices/x/" + std::string(30, 'z');
  receive_aliased(h, long_topic, 3, "3");
  EXPECT_EQ(topic_of_next_message(h), long_topic);
  receive_aliased(h, "", 3, "4");
  EXPECT_EQ(topic_of_next_message(h), long_topic);
  receive_aliased(h, "", 2, "5");
  EXPECT_EQ(topic_of_next_message(h), "devices/x/b");
  // Alias 1 was legal and is gone for want of room: not the broker's fault, so not 0x94 but
  // 0x83 "implementation specific error"; the next connection starts with no aliases.
  receive_aliased(h, "", 1, "6");
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::TopicAliasForgotten);
  EXPECT_EQ(farewell_code(h), codec::reason::kImplementationSpecificError);
}

TEST(SessionV5IncomingAlias, ATopicLargerThanTheWholeTableIsStillDelivered) {
  auto h = aliased(4, 16);
  h.connect();
  const std::string long_topic = "devices/x/" + std::string(30, 'z');
  receive_aliased(h, long_topic, 1, "1");
  EXPECT_EQ(topic_of_next_message(h), long_topic);
  EXPECT_TRUE(h.session().connected());
}

}  // namespace
}  // namespace mqtt_setup::testing
