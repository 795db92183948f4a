// save_state() / load_state(): a session carried across a power-down (deep sleep). Each test
// runs a session against the simulated broker, saves it, loads the bytes into a second session
// (the device after waking: new memory, new clock) and checks what that one sends.
#include <cstddef>
#include <cstring>

#include "util/crc32.hpp"
#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

constexpr std::uint8_t kDupFlag = 0x08;

SessionConfig persistent() {
  SessionConfig c = SessionHarness::default_config();
  c.clean_session = false;
  return c;
}

std::vector<std::uint8_t> save(SessionHarness& h) {
  std::vector<std::uint8_t> out(h.session().state_size());
  auto written = h.session().save_state(out, h.now());
  EXPECT_TRUE(written.ok());
  EXPECT_EQ(written.ok() ? *written : 0u, out.size());
  return out;
}

// The session of a device that just woke up, with `state` loaded.
void wake(SessionHarness& h, const std::vector<std::uint8_t>& state) {
  auto loaded = h.session().load_state(state, h.now());
  ASSERT_TRUE(loaded.ok()) << describe(loaded.error());
}

// After editing saved bytes: a valid CRC again, so that the check behind it is what is tested.
void seal(std::vector<std::uint8_t>& state) {
  const std::size_t body = state.size() - 4;
  const std::uint32_t crc = crc32(0, state.data(), body);
  for (std::size_t i = 0; i < 4; ++i) state[body + i] = static_cast<std::uint8_t>(crc >> (8 * i));
}

// Saved state of a session with a bit of everything: an incoming QoS 2 message not yet
// released, a QoS 2 message PUBREC'd, a QoS 1 in flight, two queued (QoS 1, QoS 0).
std::vector<std::uint8_t> busy_state() {
  SessionConfig c = persistent();
  c.max_inflight = 2;
  SessionHarness h(c);
  h.connect();
  h.receive(
      codec::Publish{"devices/x/in", codec::as_bytes("in"), QoS::ExactlyOnce, false, false, 9});
  h.events();
  h.publish("devices/x/a", "two", QoS::ExactlyOnce);
  h.publish("devices/x/a", "one", QoS::AtLeastOnce);
  h.publish("devices/x/a", "queued", QoS::AtLeastOnce);
  h.publish("devices/x/a", "zero", QoS::AtMostOnce);
  auto sent = h.transmit();
  EXPECT_EQ(sent.size(), 3u);  // PUBREC for the incoming one, then the window of two
  h.receive(codec::Ack{PacketType::Pubrec, 1});
  h.events();
  EXPECT_EQ(h.transmit().size(), 1u);  // PUBREL
  return save(h);
}

std::vector<std::string> payloads(const std::vector<SentPacket>& packets) {
  std::vector<std::string> out;
  for (const auto& p : packets) {
    if (p.type == PacketType::Publish) out.emplace_back(codec::as_text(p.publish().payload));
  }
  return out;
}

TEST(SessionSnapshot, EmptySessionRoundTrips) {
  SessionHarness before(persistent());
  EXPECT_TRUE(before.session().state_is_empty());
  const auto state = save(before);
  EXPECT_EQ(state.size(), 20u + persistent().client_id.size());

  SessionHarness after(persistent());
  wake(after, state);
  EXPECT_TRUE(after.session().state_is_empty());
  EXPECT_EQ(after.session().stats().queued, 0u);
  EXPECT_EQ(save(after), state);
}

TEST(SessionSnapshot, BusySessionRoundTripsByteForByte) {
  const auto state = busy_state();
  SessionHarness after(persistent());
  wake(after, state);
  EXPECT_FALSE(after.session().state_is_empty());
  EXPECT_EQ(after.session().stats().queued, 4u);
  EXPECT_EQ(after.session().stats().inflight, 2u);
  EXPECT_EQ(save(after), state);
}

TEST(SessionSnapshot, InFlightQoS1IsResentByteExactWithDupAndSameIdsAfterWake) {
  SessionHarness before(persistent());
  before.connect();
  before.publish("devices/x/a", "first", QoS::AtLeastOnce);
  before.publish("devices/x/b", "second", QoS::AtLeastOnce);
  const auto sent = before.transmit();
  ASSERT_EQ(sent.size(), 2u);
  const auto state = save(before);

  SessionHarness after(persistent());
  wake(after, state);
  after.connect(/*session_present=*/true);
  const auto again = after.transmit();
  ASSERT_EQ(again.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto expected = sent[i].bytes;
    expected[0] |= kDupFlag;  // [MQTT-3.3.1-1]: a redelivery carries DUP; nothing else differs
    EXPECT_EQ(again[i].bytes, expected) << "message " << i;
  }
  EXPECT_EQ(after.session().stats().resent, 2u);
  for (const auto& p : again) after.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
  EXPECT_EQ(of_kind(after.events(), Event::Kind::Delivered).size(), 2u);
  EXPECT_EQ(after.session().stats().queued, 0u);
}

TEST(SessionSnapshot, QoS2ResumesWhereItStoodPubrelAfterPubrecPublishBefore) {
  SessionHarness before(persistent());
  before.connect();
  before.publish("devices/x/a", "released", QoS::ExactlyOnce);
  before.publish("devices/x/a", "unanswered", QoS::ExactlyOnce);
  const auto sent = before.transmit();
  ASSERT_EQ(sent.size(), 2u);
  const auto released_id = sent[0].publish().packet_id;
  const auto unanswered_id = sent[1].publish().packet_id;
  before.receive(codec::Ack{PacketType::Pubrec, released_id});
  before.events();
  ASSERT_EQ(before.transmit().size(), 1u);  // PUBREL, then the device sleeps before PUBCOMP
  const auto state = save(before);

  SessionHarness after(persistent());
  wake(after, state);
  after.connect(true);
  const auto again = after.transmit();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].type, PacketType::Pubrel);
  EXPECT_EQ(again[0].ack().packet_id, released_id);
  ASSERT_EQ(again[1].type, PacketType::Publish);
  EXPECT_EQ(again[1].publish().packet_id, unanswered_id);
  EXPECT_TRUE(again[1].publish().dup);

  after.receive(codec::Ack{PacketType::Pubcomp, released_id});
  after.receive(codec::Ack{PacketType::Pubrec, unanswered_id});
  after.events();
  const auto pubrel = after.transmit();
  ASSERT_EQ(pubrel.size(), 1u);
  EXPECT_EQ(pubrel[0].type, PacketType::Pubrel);
  after.receive(codec::Ack{PacketType::Pubcomp, unanswered_id});
  EXPECT_EQ(of_kind(after.events(), Event::Kind::Delivered).size(), 1u);
  EXPECT_EQ(after.session().stats().delivered, 2u);
  EXPECT_EQ(after.session().stats().queued, 0u);
}

TEST(SessionSnapshot, IncomingQoS2IsNotDeliveredTwiceAfterWake) {
  SessionHarness before(persistent());
  before.connect();
  before.receive(codec::Publish{"devices/x/cmd", codec::as_bytes("open"), QoS::ExactlyOnce, false,
                                false, 7});
  ASSERT_EQ(of_kind(before.events(), Event::Kind::Message).size(), 1u);
  ASSERT_EQ(before.transmit().size(), 1u);  // PUBREC; the device sleeps before PUBREL arrives
  EXPECT_FALSE(before.session().state_is_empty());
  const auto state = save(before);

  SessionHarness after(persistent());
  wake(after, state);
  after.connect(true);
  // [MQTT-4.4.0-1]: the broker resends the PUBLISH it has no PUBREC for, with DUP.
  after.receive(codec::Publish{"devices/x/cmd", codec::as_bytes("open"), QoS::ExactlyOnce, false,
                               true, 7});
  EXPECT_TRUE(of_kind(after.events(), Event::Kind::Message).empty());
  auto answer = after.transmit();
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].type, PacketType::Pubrec);
  EXPECT_EQ(answer[0].ack().packet_id, 7u);
  after.receive(codec::Ack{PacketType::Pubrel, 7});
  after.events();
  answer = after.transmit();
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].type, PacketType::Pubcomp);
  EXPECT_TRUE(after.session().state_is_empty());
  // Released: identifier 7 is free again and a new message with it is a new message.
  after.receive(codec::Publish{"devices/x/cmd", codec::as_bytes("close"), QoS::ExactlyOnce, false,
                               false, 7});
  EXPECT_EQ(of_kind(after.events(), Event::Kind::Message).size(), 1u);
}

TEST(SessionSnapshot, OutboxOrderIsKeptAcrossWake) {
  SessionConfig c = persistent();
  c.max_inflight = 2;
  SessionHarness before(c);
  before.connect();
  for (int i = 0; i < 5; ++i) before.publish("devices/x/n", std::to_string(i), QoS::AtLeastOnce);
  before.publish("devices/x/n", "5", QoS::AtMostOnce);
  ASSERT_EQ(before.transmit().size(), 2u);  // the window: 0 and 1 in flight, the rest queued
  before.session().connection_lost(before.now());
  before.events();
  before.publish("devices/x/n", "6", QoS::AtLeastOnce);  // while the link was down
  const auto state = save(before);

  SessionHarness after(c);
  wake(after, state);
  after.connect(true);
  std::vector<std::string> order;
  std::vector<bool> dup;
  for (int round = 0; round < 10 && after.session().stats().queued > 0; ++round) {
    for (const auto& p : after.transmit()) {
      const auto publish = p.publish();
      order.emplace_back(codec::as_text(publish.payload));
      dup.push_back(publish.dup);
      if (publish.qos == QoS::AtLeastOnce) {
        after.receive(codec::Ack{PacketType::Puback, publish.packet_id});
      }
    }
    after.events();
  }
  const std::vector<std::string> expected{"0", "1", "2", "3", "4", "5", "6"};
  EXPECT_EQ(order, expected);
  ASSERT_EQ(dup.size(), expected.size());
  EXPECT_TRUE(dup[0] && dup[1]);          // were in flight: redelivered
  EXPECT_FALSE(dup[2] || dup[5] || dup[6]);  // were queued: first delivery
}

TEST(SessionSnapshot, WithoutSessionPresentEverythingUnfinishedIsPublishedAgain) {
  SessionHarness before(persistent());
  before.connect();
  before.publish("devices/x/a", "q1", QoS::AtLeastOnce);
  before.publish("devices/x/a", "q2", QoS::ExactlyOnce);
  before.publish("devices/x/a", "later", QoS::AtLeastOnce);
  auto sent = before.transmit();
  ASSERT_EQ(sent.size(), 3u);
  before.receive(codec::Ack{PacketType::Pubrec, sent[1].publish().packet_id});
  before.events();
  ASSERT_EQ(before.transmit().size(), 1u);  // PUBREL
  const auto state = save(before);

  SessionHarness after(persistent());
  wake(after, state);
  after.connect(/*session_present=*/false);  // the broker lost the session (restart, expiry)
  const auto again = after.transmit();
  // The broker forgot the PUBREC it gave: q2 goes as PUBLISH again, not as PUBREL.
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(payloads(again), (std::vector<std::string>{"q1", "q2", "later"}));
  after.receive(codec::Ack{PacketType::Puback, again[0].publish().packet_id});
  after.receive(codec::Ack{PacketType::Pubrec, again[1].publish().packet_id});
  after.receive(codec::Ack{PacketType::Puback, again[2].publish().packet_id});
  after.events();
  ASSERT_EQ(after.transmit().size(), 1u);  // PUBREL
  after.receive(codec::Ack{PacketType::Pubcomp, again[1].publish().packet_id});
  after.events();
  EXPECT_EQ(after.session().stats().delivered, 3u);
  EXPECT_EQ(after.session().stats().queued, 0u);
}

TEST(SessionSnapshot, PacketIdentifiersContinueAfterWake) {
  SessionHarness before(persistent());
  before.connect();
  for (int i = 0; i < 3; ++i) before.publish("devices/x/a", "acked", QoS::AtLeastOnce);
  for (const auto& p : before.transmit()) {
    before.receive(codec::Ack{PacketType::Puback, p.publish().packet_id});
  }
  before.events();
  before.publish("devices/x/a", "open", QoS::AtLeastOnce);
  const auto open = before.transmit();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].publish().packet_id, 4u);
  const auto state = save(before);

  SessionHarness after(persistent());
  wake(after, state);
  after.connect(true);
  ASSERT_EQ(after.transmit()[0].publish().packet_id, 4u);
  after.publish("devices/x/a", "new", QoS::AtLeastOnce);
  const auto fresh = after.transmit();
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].publish().packet_id, 5u);  // not 1: id 4 is still in flight
}

TEST(SessionSnapshot, PacketIdentifierIsKeptEvenWhenNothingIsPending) {
  SessionHarness before(persistent());
  before.connect();
  before.publish("devices/x/a", "acked", QoS::AtLeastOnce);
  before.receive(codec::Ack{PacketType::Puback, before.transmit()[0].publish().packet_id});
  before.events();
  EXPECT_TRUE(before.session().state_is_empty());

  SessionHarness after(persistent());
  wake(after, save(before));
  after.connect(true);
  after.publish("devices/x/a", "next", QoS::AtLeastOnce);
  EXPECT_EQ(after.transmit()[0].publish().packet_id, 2u);
}

TEST(SessionSnapshot, TimeToLiveLeftCarriesOverButNotTheTimeAsleep) {
  SessionHarness before(persistent());
  codec::Publish reading{"devices/x/t", codec::as_bytes("21.5"), QoS::AtLeastOnce, false, false, 0};
  ASSERT_TRUE(before.session().publish(reading, before.now(), {10'000, false}).ok());
  before.advance(4'000);
  const auto state = save(before);  // 6 s left

  SessionHarness in_time(persistent());
  in_time.advance(123'456);  // another clock: only differences count
  wake(in_time, state);
  in_time.advance(5'000);
  in_time.connect(true);
  EXPECT_EQ(payloads(in_time.transmit()), std::vector<std::string>{"21.5"});

  SessionHarness too_late(persistent());
  wake(too_late, state);
  too_late.advance(7'000);
  too_late.connect(true);
  EXPECT_TRUE(too_late.transmit().empty());
  auto dropped = of_kind(too_late.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].drop_reason, DropReason::Expired);
}

TEST(SessionSnapshot, SaveNeedsStateSizeBytesAndWritesNothingIntoLess) {
  SessionHarness h(persistent());
  h.publish("devices/x/a", "payload", QoS::AtLeastOnce);
  const std::size_t size = h.session().state_size();
  for (std::size_t n = 0; n < size; ++n) {
    std::vector<std::uint8_t> out(n, 0xAA);
    auto written = h.session().save_state(out, h.now());
    ASSERT_FALSE(written.ok()) << "buffer of " << n;
    EXPECT_EQ(written.error(), SessionError::BufferTooSmall);
    EXPECT_EQ(out, std::vector<std::uint8_t>(n, 0xAA));
  }
  std::vector<std::uint8_t> roomy(size + 10, 0xAA);
  auto written = h.session().save_state(roomy, h.now());
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, size);
  EXPECT_EQ(roomy[size], 0xAA);
}

TEST(SessionSnapshot, EveryTruncationIsRejectedAndLeavesTheSessionUnchanged) {
  const auto state = busy_state();
  SessionHarness after(persistent());
  for (std::size_t n = 0; n < state.size(); ++n) {
    const std::vector<std::uint8_t> cut(state.begin(),
                                        state.begin() + static_cast<std::ptrdiff_t>(n));
    auto loaded = after.session().load_state(cut, after.now());
    ASSERT_FALSE(loaded.ok()) << "prefix of " << n << " bytes";
    EXPECT_EQ(loaded.error(), SessionError::StateCorrupt) << "prefix of " << n << " bytes";
  }
  EXPECT_TRUE(after.session().state_is_empty());
  EXPECT_EQ(after.session().stats().queued, 0u);
  wake(after, state);  // still fresh: the whole state loads
  EXPECT_EQ(after.session().stats().queued, 4u);
}

TEST(SessionSnapshot, EveryFlippedBitIsRejectedAndLeavesTheSessionUnchanged) {
  const auto state = busy_state();
  SessionHarness after(persistent());
  for (std::size_t i = 0; i < state.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = state;
      damaged[i] = static_cast<std::uint8_t>(damaged[i] ^ (1u << bit));
      auto loaded = after.session().load_state(damaged, after.now());
      ASSERT_FALSE(loaded.ok()) << "byte " << i << " bit " << bit;
      // The version byte is checked before the CRC: a flip there reads as another version.
      EXPECT_EQ(loaded.error(), i == 4 ? SessionError::StateVersion : SessionError::StateCorrupt)
          << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_TRUE(after.session().state_is_empty());
  wake(after, state);
}

TEST(SessionSnapshot, AnotherFormatVersionIsRejectedAsSuch) {
  auto state = busy_state();
  state[4] = 2;
  seal(state);
  SessionHarness after(persistent());
  auto loaded = after.session().load_state(state, after.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::StateVersion);
}

TEST(SessionSnapshot, AnotherClientsStateIsRejected) {
  const auto state = busy_state();
  SessionConfig other = persistent();
  other.client_id = "esp32_ffffffffff";
  SessionHarness after(other);
  auto loaded = after.session().load_state(state, after.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::StateForeign);
  EXPECT_TRUE(after.session().state_is_empty());
}

TEST(SessionSnapshot, InconsistentContentUnderAValidCrcIsRejected) {
  SessionHarness before(persistent());
  before.publish("devices/x/a", "zero", QoS::AtMostOnce);
  const auto state = save(before);
  const std::size_t message = 16 + persistent().client_id.size();  // no incoming QoS 2 ids

  auto edit = [&](auto change) {
    auto edited = state;
    change(edited);
    seal(edited);
    SessionHarness after(persistent());
    auto loaded = after.session().load_state(edited, after.now());
    EXPECT_TRUE(after.session().state_is_empty());
    return loaded.ok() ? SessionError{} : loaded.error();
  };
  // A state beyond "awaiting PUBCOMP".
  EXPECT_EQ(edit([&](auto& s) { s[message] = 3; }), SessionError::StateCorrupt);
  // A QoS 0 message cannot be awaiting an acknowledgement.
  EXPECT_EQ(edit([&](auto& s) { s[message] = 1; }), SessionError::StateCorrupt);
  // The QoS said differs from the packet's.
  EXPECT_EQ(edit([&](auto& s) { s[message + 1] = 1; }), SessionError::StateCorrupt);
  // More messages counted than present, and fewer.
  EXPECT_EQ(edit([&](auto& s) { s[12] = 2; }), SessionError::StateCorrupt);
  EXPECT_EQ(edit([&](auto& s) { s[12] = 0; }), SessionError::StateCorrupt);
  // A packet size running past the end.
  EXPECT_EQ(edit([&](auto& s) { s[message + 11] = 0x7F; }), SessionError::StateCorrupt);
  // The PUBLISH itself is not one (a PUBACK type nibble).
  EXPECT_EQ(edit([&](auto& s) { s[message + 12] = 0x40; }),
            SessionError::StateCorrupt);
  // Reserved byte in use.
  EXPECT_EQ(edit([&](auto& s) { s[5] = 1; }), SessionError::StateCorrupt);
}

TEST(SessionSnapshot, SentMessagesAfterQueuedOnesAreRejected) {
  SessionConfig c = persistent();
  c.max_inflight = 1;
  SessionHarness before(c);
  before.connect();
  before.publish("devices/x/a", "sent", QoS::AtLeastOnce);
  before.publish("devices/x/a", "queued", QoS::AtLeastOnce);
  ASSERT_EQ(before.transmit().size(), 1u);
  auto state = save(before);
  // Make the first one queued and the second one in flight (with the identifier its PUBLISH
  // carries, 1, so that only the order is wrong).
  const std::size_t first = 16 + c.client_id.size();
  const std::size_t second = first + 12 + (state[first + 8] | state[first + 9] << 8);
  state[first] = 0;
  state[first + 2] = state[first + 3] = 0;
  state[second] = 1;
  state[second + 2] = 1;
  state[second + 3] = 0;
  seal(state);
  SessionHarness after(c);
  auto loaded = after.session().load_state(state, after.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::StateCorrupt);
}

TEST(SessionSnapshot, LoadingIntoAUsedSessionIsRefused) {
  const auto state = busy_state();
  SessionHarness used(persistent());
  used.publish("devices/x/a", "mine", QoS::AtLeastOnce);
  auto loaded = used.session().load_state(state, used.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::Busy);
  EXPECT_EQ(used.session().stats().queued, 1u);

  SessionHarness connected(persistent());
  connected.connect();
  loaded = connected.session().load_state(state, connected.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::Busy);
}

TEST(SessionSnapshot, MessagesThatDoNotFitTheStoreAreRefusedWhole) {
  SessionHarness before(persistent());
  const std::string payload(100, 'x');
  for (int i = 0; i < 10; ++i) before.publish("devices/x/a", payload, QoS::AtLeastOnce);
  const auto state = save(before);

  SessionHarness small(persistent(), /*store=*/512);
  auto loaded = small.session().load_state(state, small.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::TooLarge);
  EXPECT_EQ(small.session().stats().queued, 0u);

  SessionConfig few = persistent();
  few.max_queued = 5;
  SessionHarness limited(few);
  loaded = limited.session().load_state(state, limited.now());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error(), SessionError::TooLarge);
}

TEST(SessionSnapshot, MaxStateSizeHoldsAFullStoreAndEveryIncomingQoS2) {
  SessionConfig c = persistent();
  c.max_queued = 100'000;
  SessionHarness h(c, /*store=*/4096);
  h.connect();
  for (std::uint16_t id = 1; id <= 200; ++id) {  // beyond the 128 the session tracks
    h.receive(codec::Publish{"t", {}, QoS::ExactlyOnce, false, false, id});
    h.events();
    h.transmit();
  }
  h.session().connection_lost(h.now());
  h.events();
  for (int i = 0; i < 2'000; ++i) {  // the smallest messages fill the store with the most records
    h.publish("t", "", i % 2 == 0 ? QoS::AtMostOnce : QoS::AtLeastOnce);
  }
  h.events();
  EXPECT_GT(h.session().stats().dropped, 0u);  // really full
  EXPECT_LE(h.session().state_size(), h.session().max_state_size());
  std::vector<std::uint8_t> out(h.session().max_state_size());
  EXPECT_TRUE(h.session().save_state(out, h.now()).ok());
}

class RecordingJournal final : public StoreJournal {
 public:
  void stored(std::uint32_t ticket, codec::Bytes packet) override {
    tickets.push_back(ticket);
    packets.emplace_back(packet.begin(), packet.end());
  }
  void removed(std::uint32_t) override {}
  std::vector<std::uint32_t> tickets;
  std::vector<std::vector<std::uint8_t>> packets;
};

TEST(SessionSnapshot, TheJournalHearsOfEveryLoadedMessage) {
  const auto state = busy_state();
  SessionHarness after(persistent());
  RecordingJournal journal;
  after.session().set_journal(&journal);
  wake(after, state);
  ASSERT_EQ(journal.packets.size(), 4u);
  EXPECT_EQ(codec::as_text(std::get<codec::Publish>(codec::decode(journal.packets[3])->packet)
                               .payload),
            "zero");
}

// The figures docs/deep_sleep.md quotes: bytes per state with 0, 1 and 10 pending readings of
// 16 bytes on a typical ESP32 topic.
TEST(SessionSnapshot, SizesOfTypicalStates) {
  SessionConfig c = persistent();
  c.client_id = "esp32_a1b2c3d4e5f6";
  const std::string topic = "devices/esp32_a1b2c3d4e5f6/sensors/temperature";
  const std::string reading(16, '7');
  SessionHarness h(c);
  EXPECT_EQ(h.session().state_size(), 38u);
  h.publish(topic, reading, QoS::AtLeastOnce);
  EXPECT_EQ(h.session().state_size(), 118u);  // + 12 + a 68-byte PUBLISH
  for (int i = 1; i < 10; ++i) h.publish(topic, reading, QoS::AtLeastOnce);
  EXPECT_EQ(h.session().state_size(), 838u);
}

}  // namespace
}  // namespace mqtt_setup::testing
