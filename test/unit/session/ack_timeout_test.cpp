// SessionConfig::ack_timeout_ms: a broker that keeps the link alive (PINGRESP) but never
// acknowledges a message — RabbitMQ was seen doing so while its cluster changed — ends the
// connection with AckTimeout, and the reconnect resends the message with DUP.
#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

SessionConfig with_ack_timeout(std::uint32_t timeout_ms) {
  SessionConfig config = SessionHarness::default_config();  // keep-alive 10 s
  config.ack_timeout_ms = timeout_ms;
  return config;
}

TEST(SessionAckTimeout, UnacknowledgedPublishEndsTheConnectionAfterTheTimeout) {
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  const Millis sent_at = h.now();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  ASSERT_EQ(h.transmit().size(), 1u);
  EXPECT_EQ(h.session().next_deadline(h.now()), sent_at + 4'000);
  h.advance(3'999);
  EXPECT_TRUE(h.session().connected());
  h.advance(1);
  auto evs = of_kind(h.events(), Event::Kind::Disconnected);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::AckTimeout);
}

TEST(SessionAckTimeout, AnsweredPingsDoNotHideAMissingAcknowledgement) {
  SessionHarness h{with_ack_timeout(30'000)};
  h.connect();
  const Millis sent_at = h.now();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  h.transmit();
  std::vector<Event> evs;
  while (h.session().connected() && h.run_until_deadline(60'000)) {
    for (const auto& p : h.transmit())
      if (p.type == PacketType::Pingreq) h.receive(codec::Pingresp{});
    for (const auto& e : h.events()) evs.push_back(e);  // decodes the PINGRESP
  }
  for (const auto& e : h.events()) evs.push_back(e);
  evs = of_kind(evs, Event::Kind::Disconnected);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::AckTimeout);
  EXPECT_EQ(h.now() - sent_at, 30'000u);
}

TEST(SessionAckTimeout, AcknowledgementsInTimeKeepTheConnection) {
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  for (int i = 0; i < 20; ++i) {
    h.publish("devices/x/a", "1", QoS::AtLeastOnce);
    auto sent = h.transmit();
    ASSERT_EQ(sent.size(), 1u);
    h.advance(3'000);
    h.receive(codec::Ack{PacketType::Puback, sent[0].publish().packet_id});
    ASSERT_EQ(h.events().at(0).kind, Event::Kind::Delivered);
    h.advance(3'000);
  }
  EXPECT_TRUE(h.session().connected());
  EXPECT_TRUE(of_kind(h.events(), Event::Kind::Disconnected).empty());
}

TEST(SessionAckTimeout, TheOldestMessageCountsNotTheNewest) {
  // Fresh messages keep being acknowledged while one old one never is: still a timeout.
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  h.publish("devices/x/stuck", "1", QoS::AtLeastOnce);
  h.transmit();
  for (int i = 0; i < 3; ++i) {
    h.advance(1'000);
    h.publish("devices/x/a", "1", QoS::AtLeastOnce);
    for (const auto& p : h.transmit())
      if (p.type == PacketType::Publish) h.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
    for (const auto& e : h.events()) ASSERT_EQ(e.kind, Event::Kind::Delivered);
  }
  h.advance(1'000);  // 4 s after the stuck one, 1 s after the last acknowledged one
  auto evs = of_kind(h.events(), Event::Kind::Disconnected);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::AckTimeout);
}

TEST(SessionAckTimeout, QoS2WaitsForPubcompWithAFreshTimeoutAfterPubrec) {
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit().at(0).publish().packet_id;
  h.advance(3'000);
  h.receive(codec::Ack{PacketType::Pubrec, id});
  EXPECT_TRUE(h.events().empty());
  ASSERT_EQ(h.transmit().at(0).type, PacketType::Pubrel);
  h.advance(3'000);  // 6 s after the PUBLISH, 3 s after the PUBREC
  EXPECT_TRUE(h.session().connected());
  h.advance(1'000);
  ASSERT_EQ(of_kind(h.events(), Event::Kind::Disconnected).size(), 1u);
}

TEST(SessionAckTimeout, TheReconnectResendsWithDup) {
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  const auto id = h.transmit().at(0).publish().packet_id;
  h.advance(4'000);
  ASSERT_EQ(of_kind(h.events(), Event::Kind::Disconnected).size(), 1u);
  h.connect(/*session_present=*/true);
  auto resent = h.transmit();
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(resent[0].type, PacketType::Publish);
  EXPECT_TRUE(resent[0].publish().dup);
  EXPECT_EQ(resent[0].publish().packet_id, id);
}

TEST(SessionAckTimeout, ANowEarlierThanTheSendIsNotAWait) {
  // A driver may pass handle_timeout() a time read just before the write's: not 49 days.
  SessionHarness h{with_ack_timeout(4'000)};
  h.connect();
  h.advance(10);
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  ASSERT_EQ(h.transmit().size(), 1u);
  h.session().handle_timeout(h.now() - 5);
  EXPECT_TRUE(h.session().connected());
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().next_deadline(h.now() - 5), h.now() + 4'000);
}

TEST(SessionAckTimeout, OffByDefault) {
  SessionHarness h;  // ack_timeout_ms 0
  h.connect();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  h.transmit();
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 10'000);  // the keep-alive only
}

}  // namespace
}  // namespace mqtt_setup::testing
