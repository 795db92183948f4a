// 5.0 reason codes the broker sends (DISCONNECT, refusing PUBACK / PUBREC, SUBACK), what
// arrives in incoming PUBLISH properties, and the resend of a QoS 1 message after a reconnect.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

TEST(SessionV5ReasonCodes, ServerDisconnectCarriesReasonAndReference) {
  SessionHarness h(v5_config());
  h.connect();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  ASSERT_EQ(h.transmit().size(), 1u);
  PropertyBuffer props;
  props.add(PropertyId::ReasonString, std::string_view{"maintenance"})
      .add(PropertyId::ServerReference, std::string_view{"mqtt2.example.net"});
  h.receive(codec::Disconnect{codec::reason::kServerShuttingDown, props.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ServerDisconnected);
  EXPECT_EQ(evs[0].reason_code, 0x8B);
  EXPECT_EQ(evs[0].reason_string, "maintenance");
  EXPECT_EQ(evs[0].server_reference, "mqtt2.example.net");
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
  EXPECT_EQ(h.session().stats().inflight, 1u);  // kept for the next connection
}

TEST(SessionV5ReasonCodes, OurDisconnectIsTheShortForm) {
  SessionHarness h(v5_config());
  h.connect();
  h.session().disconnect(h.now());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  // [MQTT-3.14.2.1]: reason code 0 and no properties may be left out.
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x00}));
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Requested);
}

TEST(SessionV5ReasonCodes, DisconnectUnder311IsAViolation) {
  SessionHarness h;
  h.connect();
  h.receive_bytes({0xE0, 0x00});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_EQ(evs[0].violation, Violation::UnexpectedPacketType);
}

TEST(SessionV5ReasonCodes, PubackQuotaExceededDropsTheMessage) {
  SessionHarness h(v5_config());
  h.connect();
  const Ticket t = h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  PropertyBuffer props;
  props.add(PropertyId::ReasonString, std::string_view{"daily quota"});
  h.receive(codec::Ack{PacketType::Puback, id, codec::reason::kQuotaExceeded, props.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[0].drop_reason, DropReason::RefusedByBroker);
  EXPECT_EQ(evs[0].ticket, t.id);
  EXPECT_EQ(evs[0].reason_code, 0x97);
  EXPECT_EQ(evs[0].reason_string, "daily quota");
  const SessionStats s = h.session().stats();
  EXPECT_EQ(s.dropped, 1u);
  EXPECT_EQ(s.refused, 1u);  // counted apart from a full queue, with its reason code
  EXPECT_EQ(s.last_refusal, 0x97);
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.inflight, 0u);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionV5ReasonCodes, PubackNoMatchingSubscribersIsDelivered) {
  SessionHarness h(v5_config());
  h.connect();
  const Ticket t = h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Puback, id, codec::reason::kNoMatchingSubscribers});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);  // 0x10 is a success
  EXPECT_EQ(evs[0].ticket, t.id);
}

TEST(SessionV5ReasonCodes, PubrecNotAuthorizedEndsTheExchangeWithoutPubrel) {
  SessionHarness h(v5_config());
  h.connect();
  const Ticket t = h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Pubrec, id, codec::reason::kNotAuthorized});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[0].drop_reason, DropReason::RefusedByBroker);
  EXPECT_EQ(evs[0].reason_code, 0x87);
  EXPECT_EQ(evs[0].ticket, t.id);
  EXPECT_EQ(h.session().stats().refused, 1u);
  EXPECT_EQ(h.session().stats().last_refusal, 0x87);
  EXPECT_TRUE(h.transmit().empty());  // [MQTT-4.3.3]: no PUBREL after a failing PUBREC
  EXPECT_EQ(h.session().stats().queued, 0u);
  // The identifier is free again.
  h.publish("devices/x/a", "2", QoS::ExactlyOnce);
  EXPECT_EQ(h.transmit().size(), 1u);
}

TEST(SessionV5ReasonCodes, PubrecSuccessStillReleases) {
  SessionHarness h(v5_config());
  h.connect();
  h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Pubrec, id});
  EXPECT_TRUE(h.events().empty());
  auto rel = h.transmit();
  ASSERT_EQ(rel.size(), 1u);
  EXPECT_EQ(rel[0].bytes, (std::vector<std::uint8_t>{0x62, 0x02, 0x00,
                                                     static_cast<std::uint8_t>(id)}));
  h.receive(codec::Ack{PacketType::Pubcomp, id});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
}

TEST(SessionV5ReasonCodes, SubackReasonCodesReachTheEvent) {
  SessionHarness h(v5_config());
  h.connect();
  const codec::Subscription filters[] = {{"devices/x/cmd/#", QoS::AtLeastOnce},
                                         {"admin/#", QoS::AtMostOnce}};
  auto t = h.session().subscribe(filters, h.now());
  ASSERT_TRUE(t);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  codec::Subscribe expected{1, codec::FilterList{filters}};
  EXPECT_EQ(sent[0].bytes, v5_bytes(expected));
  const std::uint8_t codes[] = {codec::reason::kGrantedQoS1, codec::reason::kNotAuthorized};
  h.receive(codec::Suback{1, codes});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Subscribed);
  EXPECT_EQ(evs[0].ticket, t->id);
  ASSERT_EQ(evs[0].return_codes.size(), 2u);
  EXPECT_EQ(evs[0].return_codes[0], 0x01);
  EXPECT_EQ(evs[0].return_codes[1], 0x87);
}

TEST(SessionV5ReasonCodes, IncomingTopicAliasIsAViolation) {
  SessionHarness h(v5_config());
  h.connect();
  PropertyBuffer props;
  props.add(PropertyId::TopicAlias, 1);
  h.receive(make_publish("devices/x/cmd", "on", QoS::AtMostOnce, 0, props.get()));
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_EQ(evs[0].violation, Violation::TopicAliasInvalid);  // [MQTT-3.3.2-9]
  EXPECT_EQ(h.session().stats().received, 0u);
}

TEST(SessionV5Receive, IncomingPropertiesReachTheMessage) {
  SessionHarness h(v5_config());
  h.connect();
  const std::uint8_t correlation[] = {0xDE, 0xAD, 0xBE, 0xEF};
  PropertyBuffer props;
  props.add(PropertyId::ResponseTopic, std::string_view{"devices/x/reply"})
      .add(PropertyId::CorrelationData, codec::Bytes{correlation})
      .add_user("origin", "dashboard")
      .add_user("origin", "second");
  h.receive(make_publish("devices/x/cmd", "reboot", QoS::AtLeastOnce, 7, props.get()));
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Message);
  const codec::Publish& m = evs[0].message;
  EXPECT_EQ(m.topic, "devices/x/cmd");
  EXPECT_EQ(codec::as_text(m.payload), "reboot");
  const auto wire = m.properties.wire();
  const auto want = props.get().wire();
  EXPECT_EQ(std::vector<std::uint8_t>(wire.begin(), wire.end()),
            std::vector<std::uint8_t>(want.begin(), want.end()));
  auto response = m.properties.find(PropertyId::ResponseTopic);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->text, "devices/x/reply");
  auto data = m.properties.find(PropertyId::CorrelationData);
  ASSERT_TRUE(data);
  EXPECT_EQ(std::vector<std::uint8_t>(data->binary.begin(), data->binary.end()),
            std::vector<std::uint8_t>(std::begin(correlation), std::end(correlation)));
  std::vector<std::string> users;
  for (const codec::Property p : m.properties) {
    if (p.id == PropertyId::UserProperty) users.push_back(std::string(p.text) + "=" + std::string(p.value));
  }
  EXPECT_EQ(users, (std::vector<std::string>{"origin=dashboard", "origin=second"}));
  // The PUBACK is the 5.0 short form: type, length 2, identifier ([MQTT-3.4.2.1]).
  auto ack = h.transmit();
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].bytes, (std::vector<std::uint8_t>{0x40, 0x02, 0x00, 0x07}));
}

TEST(SessionV5Reconnect, QoS1ResentWithSameIdDupAndTheFullTopic) {
  SessionConfig config = v5_config();
  config.clean_session = false;
  config.topic_aliases = 4;
  SessionHarness h(config);
  PropertyBuffer limits;
  limits.add(PropertyId::TopicAliasMaximum, 10);
  h.connect(false, limits.get());
  h.publish("devices/x/temp", "1", QoS::AtLeastOnce);
  h.publish("devices/x/temp", "2", QoS::AtLeastOnce);
  auto first = h.transmit();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].publish().topic, "");  // went with the alias alone
  h.receive(codec::Ack{PacketType::Puback, first[0].publish().packet_id});
  h.events();
  const auto id = first[1].publish().packet_id;

  h.session().connection_lost(h.now());
  h.events();
  h.connect(/*session_present=*/true, limits.get());
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  // [MQTT-4.4.0-1] same identifier, [MQTT-3.3.1-1] DUP, and the alias of the last connection
  // is gone ([MQTT-3.3.2-7]): topic and a new mapping.
  PropertyBuffer props;
  props.add(PropertyId::TopicAlias, 1);
  codec::Publish expected = make_publish("devices/x/temp", "2", QoS::AtLeastOnce, id, props.get());
  expected.dup = true;
  EXPECT_EQ(again[0].bytes, v5_bytes(expected));
  EXPECT_EQ(h.session().stats().resent, 1u);
  h.receive(codec::Ack{PacketType::Puback, id});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
}

TEST(SessionV5Reconnect, QoS1ResentWithoutAliasesIsTheStoredPacketWithDup) {
  SessionConfig config = v5_config();
  config.clean_session = false;
  SessionHarness h(config);
  h.connect();
  PropertyBuffer user;
  user.add_user("k", "v");
  ASSERT_TRUE(h.session().publish(
      make_publish("devices/x/temp", "1", QoS::AtLeastOnce, 0, user.get()), h.now()));
  auto first = h.transmit();
  ASSERT_EQ(first.size(), 1u);
  h.session().connection_lost(h.now());
  h.events();
  h.connect(true);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  std::vector<std::uint8_t> want = first[0].bytes;
  want[0] |= 0x08;
  EXPECT_EQ(again[0].bytes, want);
  EXPECT_TRUE(again[0].publish().dup);
}

}  // namespace
}  // namespace mqtt_setup::testing
