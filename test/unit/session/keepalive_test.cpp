#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

TEST(SessionKeepAlive, PingWhenIdleForKeepAlive) {
  SessionHarness h;  // keep-alive 10 s
  h.connect();
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 10'000);
  h.advance(9'999);
  EXPECT_TRUE(h.transmit().empty());
  h.advance(1);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pingreq);
  h.receive(codec::Pingresp{});
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 10'000);
}

TEST(SessionKeepAlive, StaysConnectedForHoursWithAnsweredPings) {
  SessionHarness h;
  h.connect();
  int pings = 0;
  for (int i = 0; i < 3600 && h.run_until_deadline(60'000); ++i) {
    for (const auto& p : h.transmit()) {
      if (p.type == PacketType::Pingreq) {
        ++pings;
        h.receive(codec::Pingresp{});
      }
    }
    ASSERT_TRUE(h.events().empty());
    if (h.now() > 1'000'000 + 3'600'000) break;
  }
  EXPECT_TRUE(h.session().connected());
  EXPECT_GE(pings, 359);
}

TEST(SessionKeepAlive, UnansweredPingDeclaresDeadLinkWithinOneAndAHalfKeepAlives) {
  SessionHarness h;
  h.connect();
  const Millis start = h.now();
  while (h.session().connected() && h.run_until_deadline(60'000)) h.transmit();
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::KeepAliveTimeout);
  EXPECT_EQ(h.now() - start, 15'000u);
}

TEST(SessionKeepAlive, BlackholeWhilePublishingIsDetected) {
  // We keep sending (so "nothing sent" never triggers) but nothing comes back.
  SessionHarness h;
  h.connect();
  const Millis start = h.now();
  while (h.session().connected() && h.now() - start < 60'000) {
    h.publish("devices/x/a", "v", QoS::AtLeastOnce);
    h.transmit();
    h.advance(1'000);
  }
  auto evs = of_kind(h.events(), Event::Kind::Disconnected);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::KeepAliveTimeout);
  EXPECT_LE(h.now() - start, 15'000u);
}

TEST(SessionKeepAlive, TrafficAfterPingKeepsLinkAlive) {
  SessionHarness h;
  h.connect();
  h.advance(10'000);
  ASSERT_EQ(h.transmit().size(), 1u);  // PINGREQ
  h.advance(4'000);
  const codec::Publish incoming{"devices/x/commands/a", codec::as_bytes("1"), QoS::AtMostOnce,
                                false, false, 0};
  h.receive(incoming);
  ASSERT_EQ(h.events().size(), 1u);
  h.advance(4'000);  // 8 s after the ping, 4 s after the last byte
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionKeepAlive, ZeroDisablesKeepAlive) {
  SessionConfig c = SessionHarness::default_config();
  c.keep_alive_s = 0;
  SessionHarness h(c);
  h.connect();
  EXPECT_EQ(h.session().next_deadline(h.now()), kNever);
  h.advance(1'000'000);
  EXPECT_TRUE(h.transmit().empty());
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionKeepAlive, ExplicitPingTimeout) {
  SessionConfig c = SessionHarness::default_config();
  c.ping_timeout_ms = 2'000;
  SessionHarness h(c);
  h.connect();
  h.advance(10'000);
  h.transmit();
  h.advance(1'999);
  EXPECT_TRUE(h.session().connected());
  h.advance(1);
  EXPECT_FALSE(h.session().connected());
}

}  // namespace
}  // namespace mqtt_setup::testing
