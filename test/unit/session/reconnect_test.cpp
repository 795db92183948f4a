#include <algorithm>

#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

SessionConfig persistent() {
  SessionConfig c = SessionHarness::default_config();
  c.clean_session = false;
  return c;
}

TEST(SessionReconnect, InFlightQoS1ResentWithSameIdAndDupWhenSessionKept) {
  SessionHarness h(persistent());
  h.connect();
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  auto first = h.transmit();
  ASSERT_EQ(first.size(), 1u);
  const auto id = first[0].publish().packet_id;
  h.session().connection_lost(h.now());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::TransportClosed);

  h.connect(/*session_present=*/true);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  auto p = again[0].publish();
  EXPECT_EQ(p.packet_id, id);
  EXPECT_TRUE(p.dup);
  EXPECT_EQ(h.session().stats().resent, 1u);
  h.receive(codec::Ack{PacketType::Puback, id});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
}

TEST(SessionReconnect, ReleasedQoS2ResendsPubrelWhenSessionKept) {
  SessionHarness h(persistent());
  h.connect();
  h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Pubrec, id});
  EXPECT_TRUE(h.events().empty());
  auto pubrel = h.transmit();
  ASSERT_EQ(pubrel.size(), 1u);
  ASSERT_EQ(pubrel[0].type, PacketType::Pubrel);
  h.session().connection_lost(h.now());
  h.events();
  h.connect(true);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].type, PacketType::Pubrel);
  EXPECT_EQ(again[0].ack().packet_id, id);
  h.receive(codec::Ack{PacketType::Pubcomp, id});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 1u);
}

TEST(SessionReconnect, WithoutSessionEverythingUnfinishedIsPublishedAgain) {
  SessionHarness h;  // clean session
  h.connect();
  h.publish("devices/x/a", "q1", QoS::AtLeastOnce);
  h.publish("devices/x/a", "q2", QoS::ExactlyOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  h.receive(codec::Ack{PacketType::Pubrec, sent[1].publish().packet_id});
  h.events();
  ASSERT_EQ(h.transmit().size(), 1u);  // PUBREL
  h.session().connection_lost(h.now());
  h.events();
  h.connect(false);
  auto again = h.transmit();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(codec::as_text(again[0].publish().payload), "q1");
  EXPECT_EQ(codec::as_text(again[1].publish().payload), "q2");
  EXPECT_TRUE(again[1].publish().dup);
}

TEST(SessionReconnect, QueuedWhileDisconnectedGoesOutInOrder) {
  SessionHarness h;
  for (int i = 0; i < 50; ++i) {
    auto t = h.publish("devices/x/a", std::to_string(i), QoS::AtLeastOnce);
    EXPECT_EQ(t.accepted, Accepted::Queued);
  }
  h.connect();
  std::vector<std::string> payloads;
  for (int round = 0; round < 10 && payloads.size() < 50; ++round) {
    for (const auto& p : h.transmit()) {
      payloads.emplace_back(codec::as_text(p.publish().payload));
      h.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
    }
    h.events();
  }
  ASSERT_EQ(payloads.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(payloads[static_cast<std::size_t>(i)], std::to_string(i));
}

TEST(SessionReconnect, HundredsOfCyclesLoseNothing) {
  SessionConfig c = persistent();
  c.max_inflight = 5;
  SessionHarness h(c, 16 * 1024);
  std::set<std::string> delivered_payloads;
  std::map<std::uint32_t, std::string> by_ticket;
  int next = 0;
  for (int cycle = 0; cycle < 500; ++cycle) {
    h.connect(/*session_present=*/cycle > 0);
    for (int i = 0; i < 3; ++i) {
      auto t = h.publish("devices/x/a", std::to_string(next), QoS::AtLeastOnce);
      by_ticket[t.id] = std::to_string(next++);
    }
    auto sent = h.transmit();
    // The link breaks before the broker acknowledges the last packet it got.
    for (std::size_t i = 0; i + 1 < sent.size(); ++i) {
      h.receive(codec::Ack{PacketType::Puback, sent[i].publish().packet_id});
    }
    for (const auto& e : h.events()) {
      if (e.kind == Event::Kind::Delivered) delivered_payloads.insert(by_ticket[e.ticket]);
    }
    h.session().connection_lost(h.now());
    h.events();
    h.advance(1'000);
  }
  // Final connection acknowledges everything left.
  h.connect(true);
  for (int round = 0; round < 2000 && h.session().stats().queued > 0; ++round) {
    for (const auto& p : h.transmit()) {
      if (p.type == PacketType::Publish) {
        h.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
      }
    }
    for (const auto& e : h.events()) {
      if (e.kind == Event::Kind::Delivered) delivered_payloads.insert(by_ticket[e.ticket]);
    }
  }
  EXPECT_EQ(delivered_payloads.size(), static_cast<std::size_t>(next));
  EXPECT_EQ(h.session().stats().dropped, 0u);
  EXPECT_GE(h.session().stats().resent, 499u);
}

TEST(SessionReconnect, OverflowWhileDisconnectedDropsOldestAndCounts) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 3;
  SessionHarness h(c);
  std::vector<std::uint32_t> tickets;
  for (int i = 0; i < 5; ++i) {
    tickets.push_back(h.publish("devices/x/a", std::to_string(i), QoS::AtLeastOnce).id);
  }
  auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].ticket, tickets[0]);
  EXPECT_EQ(dropped[1].ticket, tickets[1]);
  EXPECT_EQ(h.session().stats().dropped, 2u);
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "2");
}

TEST(SessionReconnect, DisconnectedEventSurvivesAFloodOfDrops) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 2;
  SessionHarness h(c);
  h.connect();
  h.session().connection_lost(h.now());
  for (int i = 0; i < 20; ++i) h.publish("devices/x/a", std::to_string(i), QoS::AtLeastOnce);
  auto evs = h.events();
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_GE(of_kind(evs, Event::Kind::Dropped).size(), 1u);
  EXPECT_EQ(h.session().stats().dropped, 18u);  // every drop counted, reported or not
}

TEST(SessionReconnect, RejectNewPolicyKeepsOldest) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 2;
  c.overflow = OverflowPolicy::RejectNew;
  SessionHarness h(c);
  h.publish("devices/x/a", "0", QoS::AtLeastOnce);
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  codec::Publish p{"devices/x/a", codec::as_bytes("2"), QoS::AtLeastOnce, false, false, 0};
  auto r = h.session().publish(p, h.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), SessionError::StoreFull);
}

TEST(SessionReconnect, ByteCapacityBoundsTheStore) {
  SessionHarness h(SessionHarness::default_config(), /*store=*/1024);
  std::string payload(100, 'x');
  for (int i = 0; i < 100; ++i) h.publish("devices/x/a", payload, QoS::AtLeastOnce);
  auto stats = h.session().stats();
  EXPECT_GT(stats.dropped, 80u);
  EXPECT_EQ(stats.queued + stats.dropped, 100u);
  EXPECT_LE(stats.queued * 100, 1024u);
}

TEST(SessionReconnect, NoQueueingWhenDisabled) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 0;
  SessionHarness h(c);
  codec::Publish p{"devices/x/a", codec::as_bytes("2"), QoS::AtLeastOnce, false, false, 0};
  auto r = h.session().publish(p, h.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), SessionError::NotConnected);
}

// A broker that never answers SUBSCRIBE: every reconnect renews the subscription, and the
// session sends the pending SUBSCRIBE again. One per connection, never stacked.
TEST(SessionReconnect, ASubscriptionRenewedOnEveryReconnectIsSentOncePerConnection) {
  SessionHarness h;
  const codec::Subscription subscription{"devices/#", codec::QoS::AtLeastOnce};
  for (int connection = 0; connection < 20; ++connection) {
    h.connect(false);
    ASSERT_TRUE(h.session().subscribe(std::span{&subscription, 1}, h.now()).ok());
    const auto sent = h.transmit();
    ASSERT_EQ(std::count_if(sent.begin(), sent.end(),
                            [](const auto& p) { return p.type == codec::PacketType::Subscribe; }),
              1)
        << "connection " << connection;
    EXPECT_EQ(h.session().stats().queued, 1u) << "connection " << connection;
    h.session().connection_lost(h.now());
    h.events();
  }
}

}  // namespace
}  // namespace mqtt_setup::testing
