// The store as an outbox: time to live, latest value per topic, and the journal that lets a
// durable copy follow it.
#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

Ticket publish_with(SessionHarness& h, std::string_view topic, std::string_view payload,
                    PublishOptions options) {
  codec::Publish p{topic, codec::as_bytes(payload), QoS::AtLeastOnce, false, false, 0};
  auto t = h.session().publish(p, h.now(), options);
  EXPECT_TRUE(t.ok());
  return t.ok() ? *t : Ticket{};
}

TEST(SessionOutbox, ExpiredMessagesAreDroppedNotSent) {
  SessionHarness h;
  const auto old_one = publish_with(h, "devices/x/a", "old", {5'000, false});
  publish_with(h, "devices/x/a", "forever", {});
  h.advance(6'000);
  publish_with(h, "devices/x/a", "fresh", {5'000, false});
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "forever");
  EXPECT_EQ(codec::as_text(sent[1].publish().payload), "fresh");
  auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].ticket, old_one.id);
  EXPECT_EQ(dropped[0].drop_reason, DropReason::Expired);
  EXPECT_EQ(h.session().stats().expired, 1u);
}

TEST(SessionOutbox, ExpiredMessagesMakeRoomBeforeOverflowDrops) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 2;
  SessionHarness h(c);
  publish_with(h, "devices/x/a", "short", {1'000, false});
  publish_with(h, "devices/x/a", "keep", {});
  h.advance(2'000);
  publish_with(h, "devices/x/a", "new", {});
  auto stats = h.session().stats();
  EXPECT_EQ(stats.expired, 1u);
  EXPECT_EQ(stats.dropped, 1u);  // the expired one, not "keep"
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "keep");
}

TEST(SessionOutbox, LatestValuePerTopicReplacesQueuedReading) {
  SessionHarness h;
  for (int i = 0; i < 10; ++i) {
    publish_with(h, "devices/x/sensors/temperature", std::to_string(20 + i), {0, true});
    publish_with(h, "devices/x/sensors/humidity", std::to_string(50 + i), {0, true});
  }
  publish_with(h, "devices/x/status/emergency", "fall", {});
  EXPECT_EQ(h.session().stats().queued, 3u);
  EXPECT_EQ(h.session().stats().replaced, 18u);
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].topic(), "devices/x/sensors/temperature");
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "29");
  EXPECT_EQ(codec::as_text(sent[1].publish().payload), "59");
  EXPECT_EQ(sent[2].topic(), "devices/x/status/emergency");
}

TEST(SessionOutbox, ReplaceNeverTouchesMessagesInFlight) {
  SessionHarness h;
  h.connect();
  publish_with(h, "devices/x/t", "1", {0, true});
  ASSERT_EQ(h.transmit().size(), 1u);  // in flight now
  publish_with(h, "devices/x/t", "2", {0, true});
  EXPECT_EQ(h.session().stats().replaced, 0u);
  EXPECT_EQ(h.session().stats().queued, 2u);
}

struct RecordingJournal final : StoreJournal {
  std::map<std::uint32_t, std::vector<std::uint8_t>> live;
  int removed_count = 0;
  void stored(std::uint32_t ticket, codec::Bytes packet) override {
    live[ticket] = std::vector<std::uint8_t>(packet.begin(), packet.end());
  }
  void removed(std::uint32_t ticket) override {
    EXPECT_EQ(live.erase(ticket), 1u) << "removed twice or never stored: " << ticket;
    ++removed_count;
  }
};

TEST(SessionOutbox, JournalFollowsEveryWayOut) {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 4;
  SessionHarness h(c);
  RecordingJournal journal;
  h.session().set_journal(&journal);
  codec::Publish q0{"devices/x/a", codec::as_bytes("q0"), QoS::AtMostOnce, false, false, 0};
  ASSERT_TRUE(h.session().publish(q0, h.now()).ok());
  publish_with(h, "devices/x/a", "ttl", {1'000, false});
  publish_with(h, "devices/x/a", "q1", {});
  publish_with(h, "devices/x/b", "r1", {0, true});
  publish_with(h, "devices/x/b", "r2", {0, true});  // replaces r1
  publish_with(h, "devices/x/c", "overflow", {});   // drops q0 (oldest)
  EXPECT_EQ(journal.live.size(), 4u);
  h.advance(2'000);
  h.connect();
  for (const auto& p : h.transmit()) {
    if (p.type == PacketType::Publish && p.publish().qos != QoS::AtMostOnce) {
      h.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
    }
  }
  h.events();
  EXPECT_TRUE(journal.live.empty());
  EXPECT_EQ(journal.removed_count, 6);
}

TEST(SessionOutbox, RestoredPacketsGoOutAsNewMessages) {
  SessionHarness first;
  RecordingJournal journal;
  first.session().set_journal(&journal);
  publish_with(first, "devices/x/a", "one", {});
  publish_with(first, "devices/x/b", "two", {});
  // "Crash": a new session restores what the journal still holds.
  SessionHarness second;
  std::vector<std::string> order;
  for (const auto& [ticket, packet] : journal.live) {
    ASSERT_TRUE(second.session().restore(packet, second.now()).ok());
  }
  std::vector<std::string> pending;
  second.session().for_each_pending(
      [](void* ctx, std::uint32_t, codec::Bytes packet) {
        auto d = codec::decode(packet);
        static_cast<std::vector<std::string>*>(ctx)->emplace_back(
            std::get<codec::Publish>(d->packet).topic);
      },
      &pending);
  EXPECT_EQ(pending, (std::vector<std::string>{"devices/x/a", "devices/x/b"}));
  second.connect();
  auto sent = second.transmit();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(codec::as_text(sent[1].publish().payload), "two");
  EXPECT_FALSE(second.session().restore(codec::as_bytes("garbage"), second.now()).ok());
}

}  // namespace
}  // namespace mqtt_setup::testing
