// The session's tables (SessionBuffers::acks, ::incoming_qos2, ::events) are sized by the
// caller: what each size allows, and what happens when one is full or empty.
#include <cstdio>

#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

codec::Publish incoming(QoS qos, std::uint16_t id, bool dup = false) {
  return codec::Publish{"devices/x/commands/restart", codec::as_bytes("go"), qos, false, dup, id};
}

std::vector<std::uint8_t> encoded(const codec::Packet& packet) {
  std::vector<std::uint8_t> bytes(codec::encoded_size(packet));
  EXPECT_TRUE(codec::encode(packet, bytes).ok());
  return bytes;
}

TEST(SessionTables, SizeOfTheSessionWithoutItsTables) {
  // The tables no longer live in the session; what is left is its own state, the copy of its
  // configuration and its counters. 64-bit hosts and 32-bit MCUs differ by pointer size.
  std::printf("sizeof(Session) = %zu B, sizeof(QueuedEvent) = %zu B\n", sizeof(Session),
              sizeof(QueuedEvent));
  // (+1 pointer since the trace decoder of our own packets became a pointer set by set_trace().)
  // (+16 B on 64-bit, +24 B on Cortex-M4 (432 -> 456) for MQTT 5 issue #18: the incoming topic
  // alias table's span, disconnect()'s reason and session expiry, the farewell DISCONNECT; and
  // +1 pointer and a byte view for enhanced authentication: SessionConfig::authenticator and the
  // data of the AUTH to send next. Measured after both: see the printf above.)
  // (+1 pointer for send_reason_strings(), which keeps ~3 KB of texts out of core-only images.)
  EXPECT_LE(sizeof(Session), sizeof(void*) == 8 ? 664u : 468u);  // 664 B measured here, 468 B Cortex-M4
  EXPECT_LE(sizeof(QueuedEvent), sizeof(void*) == 8 ? 48u : 28u);
}

TEST(SessionTables, ConnectIsRefusedWithoutRoomForOneAcknowledgement) {
  SessionHarness h(SessionHarness::default_config(), 4096, 1024, 1024, {0, 4, 4});
  auto started = h.session().start_connect(h.now());
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), SessionError::BufferTooSmall);
  EXPECT_NE(describe(SessionError::BufferTooSmall).find("at least one"), std::string_view::npos);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionTables, ConnectIsRefusedWithoutRoomForOneEvent) {
  SessionHarness h(SessionHarness::default_config(), 4096, 1024, 1024, {4, 4, 0});
  auto started = h.session().start_connect(h.now());
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error(), SessionError::BufferTooSmall);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionTables, AFullAcknowledgementTablePausesDecodingUntilItIsWritten) {
  SessionHarness h(SessionHarness::default_config(), 4096, 1024, 1024, {1, 4, 4});
  h.connect();
  // Three QoS 1 messages in one read: each owes a PUBACK, and there is room for one.
  constexpr std::uint16_t kIds[] = {11, 12, 13};
  std::vector<std::uint8_t> bytes;
  for (const std::uint16_t id : kIds) {
    const auto one = encoded(incoming(QoS::AtLeastOnce, id));
    bytes.insert(bytes.end(), one.begin(), one.end());
  }
  h.receive_bytes(bytes);
  for (const std::uint16_t id : kIds) {
    auto evs = h.events();
    ASSERT_EQ(evs.size(), 1u) << "message " << id;
    EXPECT_EQ(evs[0].message.packet_id, id);
    // The next packet waits, and the session says there is work now (the PUBACK to write).
    EXPECT_EQ(h.session().next_deadline(h.now()), h.now());
    auto sent = h.transmit();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].type, PacketType::Puback);
    EXPECT_EQ(sent[0].ack().packet_id, id);
  }
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().stats().received, 3u);
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionTables, QoS2BeyondTheTableIsDeliveredAndCountedUntracked) {
  SessionHarness h(SessionHarness::default_config(), 4096, 1024, 1024, {4, 1, 4});
  h.connect();
  h.receive(incoming(QoS::ExactlyOnce, 1));
  h.receive(incoming(QoS::ExactlyOnce, 2));
  EXPECT_EQ(h.events().size(), 2u);
  EXPECT_EQ(h.session().stats().qos2_untracked, 1u);
  EXPECT_EQ(h.transmit().size(), 2u);  // PUBREC 1, PUBREC 2
  // The tracked one is not delivered twice; the untracked one would be (the documented cost).
  h.receive(incoming(QoS::ExactlyOnce, 1, true));
  EXPECT_TRUE(h.events().empty());
  h.receive(incoming(QoS::ExactlyOnce, 2, true));
  EXPECT_EQ(h.events().size(), 1u);
  // PUBREL frees the entry for the next message.
  h.receive(codec::Ack{PacketType::Pubrel, 1});
  h.receive(incoming(QoS::ExactlyOnce, 3));
  EXPECT_EQ(h.events().size(), 1u);
  h.receive(incoming(QoS::ExactlyOnce, 3, true));
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().stats().qos2_untracked, 2u);  // 2, and its resend
}

TEST(SessionTables, WithoutAQoS2TableEveryQoS2MessageIsDeliveredUntracked) {
  SessionHarness h(SessionHarness::default_config(), 4096, 1024, 1024, {4, 0, 4});
  h.connect();
  h.receive(incoming(QoS::ExactlyOnce, 9));
  EXPECT_EQ(h.events().size(), 1u);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubrec);
  h.receive(codec::Ack{PacketType::Pubrel, 9});
  EXPECT_TRUE(h.events().empty());
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubcomp);  // [MQTT-4.3.3-2]: answered all the same
  EXPECT_EQ(h.session().stats().qos2_untracked, 1u);
  EXPECT_TRUE(h.session().state_is_empty());
}

SessionConfig queue_of_two() {
  SessionConfig c = SessionHarness::default_config();
  c.max_queued = 2;
  return c;
}

TEST(SessionTables, OneEventEntryHoldsNoDropButAlwaysTheDisconnect) {
  SessionHarness h(queue_of_two(), 4096, 1024, 1024, {4, 4, 1});
  for (int i = 0; i < 4; ++i) h.publish("devices/x/a", "v", QoS::AtLeastOnce);
  EXPECT_EQ(h.session().stats().dropped, 2u);  // counted...
  EXPECT_TRUE(h.events().empty());             // ...but no room to report them one by one
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.session().connection_lost(h.now());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::TransportClosed);
}

TEST(SessionTables, DropsFillAllButOneEventEntry) {
  SessionHarness h(queue_of_two(), 4096, 1024, 1024, {4, 4, 3});
  std::vector<std::uint32_t> tickets;
  for (int i = 0; i < 6; ++i) tickets.push_back(h.publish("devices/x/a", "v", QoS::AtLeastOnce).id);
  EXPECT_EQ(h.session().stats().dropped, 4u);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.session().connection_lost(h.now());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[0].ticket, tickets[0]);
  EXPECT_EQ(evs[0].drop_reason, DropReason::Overflow);
  EXPECT_EQ(evs[1].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[1].ticket, tickets[1]);
  EXPECT_EQ(evs[2].kind, Event::Kind::Disconnected);
}

TEST(SessionTables, AStateWithMoreQoS2IdsThanTheTableHoldsIsTooLarge) {
  SessionConfig config = SessionHarness::default_config();
  config.clean_session = false;
  SessionHarness saver(config);
  saver.connect();
  for (std::uint16_t id = 1; id <= 3; ++id) saver.receive(incoming(QoS::ExactlyOnce, id));
  EXPECT_EQ(saver.events().size(), 3u);
  std::vector<std::uint8_t> state(saver.session().state_size());
  ASSERT_TRUE(saver.session().save_state(state, saver.now()).ok());

  SessionHarness small(config, 4096, 1024, 1024, {4, 2, 4});
  auto loaded = small.session().load_state(state, small.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::TooLarge);
  EXPECT_TRUE(small.session().state_is_empty());  // unchanged

  SessionHarness fits(config, 4096, 1024, 1024, {4, 3, 4});
  ASSERT_TRUE(fits.session().load_state(state, fits.now()).ok());
  fits.connect(/*session_present=*/true);
  fits.receive(incoming(QoS::ExactlyOnce, 2, true));  // the broker's resend after the wake
  EXPECT_TRUE(fits.events().empty());
  // max_state_size() follows the table: 2 bytes per entry.
  EXPECT_EQ(fits.session().max_state_size() + 2, SessionHarness(config, 4096, 1024, 1024,
                                                                 {4, 4, 4})
                                                      .session()
                                                      .max_state_size());
}

}  // namespace
}  // namespace mqtt_setup::testing
