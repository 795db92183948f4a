// Messages already in flight when the link broke, at the resend after the reconnect: a time to
// live that ran out meanwhile, and a CONNACK that lowered Maximum QoS or turned retain off.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

Ticket publish_ttl(SessionHarness& h, std::string_view payload, QoS qos, Millis ttl_ms,
                   bool retain = false) {
  codec::Publish p = make_publish("devices/x/temp", payload, qos);
  p.retain = retain;
  PublishOptions options;
  options.ttl_ms = ttl_ms;
  auto t = h.session().publish(p, h.now(), options);
  EXPECT_TRUE(t);
  return t ? *t : Ticket{};
}

/// Sends what is queued, then the link breaks with everything still unacknowledged.
void send_and_lose_link(SessionHarness& h, std::size_t expect_sent) {
  ASSERT_EQ(h.transmit().size(), expect_sent);
  h.session().connection_lost(h.now());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Disconnected);
}

SessionConfig persistent_v5() {
  SessionConfig c = v5_config();
  c.clean_session = false;
  return c;
}

// --- Expiry in flight

TEST(SessionV5InflightExpiry, Qos1ExpiredWhileOfflineIsDroppedNotResent) {
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket t = publish_ttl(h, "21.5", QoS::AtLeastOnce, 10'000);
  send_and_lose_link(h, 1);
  h.advance(10'000);
  h.connect(/*session_present=*/true);
  EXPECT_TRUE(h.transmit().empty());  // not resent with expiry 1
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[0].drop_reason, DropReason::Expired);
  EXPECT_EQ(evs[0].ticket, t.id);
  const SessionStats s = h.session().stats();
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.inflight, 0u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.resent, 0u);
}

TEST(SessionV5InflightExpiry, Qos1StillAliveIsResentWithWhatIsLeft) {
  SessionHarness h(persistent_v5());
  h.connect();
  publish_ttl(h, "21.5", QoS::AtLeastOnce, 10'000);
  send_and_lose_link(h, 1);
  h.advance(4'000);
  h.connect(true);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  const auto expiry = sent[0].publish().properties.find(PropertyId::MessageExpiryInterval);
  ASSERT_TRUE(expiry);
  EXPECT_EQ(expiry->number, 6u);
  EXPECT_TRUE(sent[0].publish().dup);
}

TEST(SessionV5InflightExpiry, Qos2ExpiredIsDroppedWhenTheBrokerLostTheSession) {
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket t = publish_ttl(h, "21.5", QoS::ExactlyOnce, 10'000);
  send_and_lose_link(h, 1);
  h.advance(20'000);
  h.connect(/*session_present=*/false);  // the broker holds no packet id of ours
  EXPECT_TRUE(h.transmit().empty());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].drop_reason, DropReason::Expired);
  EXPECT_EQ(evs[0].ticket, t.id);
}

TEST(SessionV5InflightExpiry, Qos2ExpiredIsFinishedWhenTheBrokerKeptTheSession) {
  // [MQTT-4.3.3]: the broker may hold our PUBLISH under its packet id until PUBREL and would
  // answer a new message with that id by PUBREC without delivering it. So the exchange is
  // finished (resent with DUP and the shortest expiry, 1 s) before the id can serve again.
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket t = publish_ttl(h, "21.5", QoS::ExactlyOnce, 10'000);
  send_and_lose_link(h, 1);
  h.advance(20'000);
  h.connect(/*session_present=*/true);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  const codec::Publish again = sent[0].publish();
  EXPECT_TRUE(again.dup);
  EXPECT_EQ(again.properties.find(PropertyId::MessageExpiryInterval)->number, 1u);
  EXPECT_TRUE(h.events().empty());
  h.receive(codec::Ack{PacketType::Pubrec, again.packet_id});
  EXPECT_TRUE(h.events().empty());
  ASSERT_EQ(h.transmit().size(), 1u);  // PUBREL
  h.receive(codec::Ack{PacketType::Pubcomp, again.packet_id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
  EXPECT_EQ(evs[0].ticket, t.id);
}

TEST(SessionV5InflightExpiry, Qos2AwaitingPubcompIsNeverDropped) {
  SessionHarness h(persistent_v5());
  h.connect();
  publish_ttl(h, "21.5", QoS::ExactlyOnce, 10'000);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  h.receive(codec::Ack{PacketType::Pubrec, sent[0].publish().packet_id});
  EXPECT_TRUE(h.events().empty());
  ASSERT_EQ(h.transmit().size(), 1u);  // PUBREL: the broker has the message
  h.session().connection_lost(h.now());
  (void)h.events();
  h.advance(20'000);
  h.connect(true);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].type, PacketType::Pubrel);
  EXPECT_TRUE(h.events().empty());
}

// --- CONNACK limits for what is in flight

TEST(SessionV5InflightLimits, LowerMaximumQosDropsInflightAndQueued) {
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket q2 = publish_ttl(h, "a", QoS::ExactlyOnce, 0);
  const Ticket q1 = publish_ttl(h, "b", QoS::AtLeastOnce, 0);
  send_and_lose_link(h, 2);
  const Ticket queued = publish_ttl(h, "c", QoS::ExactlyOnce, 0);
  const Ticket ok = publish_ttl(h, "d", QoS::AtMostOnce, 0);
  PropertyBuffer limits;
  limits.add(PropertyId::MaximumQoS, 0);
  h.connect(/*session_present=*/false, limits.get());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);  // only the QoS 0 message goes
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "d");
  auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 3u);
  std::set<std::uint32_t> tickets;
  for (const Event& e : dropped) {
    EXPECT_EQ(e.drop_reason, DropReason::NotSupportedByServer);
    tickets.insert(e.ticket);
  }
  EXPECT_EQ(tickets, (std::set<std::uint32_t>{q2.id, q1.id, queued.id}));
  (void)ok;
  const SessionStats s = h.session().stats();
  EXPECT_EQ(s.not_supported, 3u);
  EXPECT_EQ(s.inflight, 0u);
  EXPECT_EQ(s.queued, 0u);
}

TEST(SessionV5InflightLimits, RetainUnavailableDropsInflightRetained) {
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket retained = publish_ttl(h, "a", QoS::AtLeastOnce, 0, /*retain=*/true);
  publish_ttl(h, "b", QoS::AtLeastOnce, 0);
  send_and_lose_link(h, 2);
  PropertyBuffer limits;
  limits.add(PropertyId::RetainAvailable, 0);
  h.connect(false, limits.get());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "b");
  EXPECT_FALSE(sent[0].publish().retain);
  auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].ticket, retained.id);
  EXPECT_EQ(dropped[0].drop_reason, DropReason::NotSupportedByServer);
}

TEST(SessionV5InflightLimits, Qos2SentOnAKeptSessionIsDroppedToo) {
  // A QoS 2 PUBLISH above the new maximum would make the broker disconnect us (0x9B,
  // [MQTT-3.2.2-12]), DUP or not: it is dropped like the others, never sent.
  SessionHarness h(persistent_v5());
  h.connect();
  const Ticket t = publish_ttl(h, "a", QoS::ExactlyOnce, 0);
  send_and_lose_link(h, 1);
  PropertyBuffer limits;
  limits.add(PropertyId::MaximumQoS, 1);
  h.connect(/*session_present=*/true, limits.get());
  EXPECT_TRUE(h.transmit().empty());
  auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].ticket, t.id);
  EXPECT_EQ(dropped[0].drop_reason, DropReason::NotSupportedByServer);
}

}  // namespace
}  // namespace mqtt_setup::testing
