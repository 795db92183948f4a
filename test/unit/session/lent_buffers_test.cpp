// replace_rx() / replace_store(): a session lends its receive buffer and store out while they
// hold nothing, so that thousands of idle sessions can share a few (the fleet's pools).
#include "support/needs_v5.hpp"
#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

std::vector<std::uint8_t> encoded(const codec::Packet& packet) {
  std::vector<std::uint8_t> bytes(codec::encoded_size(packet));
  EXPECT_TRUE(codec::encode(packet, bytes).ok());
  return bytes;
}

TEST(SessionLentBuffers, StoreIsLentOnlyWhenNothingIsHeld) {
  SessionHarness h;
  h.connect();
  std::vector<std::uint8_t> other(2048);
  const Ticket t = h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  auto replaced = h.session().replace_store(other);
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.error(), SessionError::Busy);  // queued
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(h.session().replace_store(other).ok());  // in flight
  h.receive(codec::Ack{PacketType::Puback, sent[0].publish().packet_id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].ticket, t.id);

  // Acknowledged: the store may go. Without one, nothing can be published...
  ASSERT_TRUE(h.session().replace_store({}).ok());
  codec::Publish p{"devices/x/a", codec::as_bytes("2"), QoS::AtLeastOnce, false, false, 0};
  auto refused = h.session().publish(p, h.now());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), SessionError::TooLarge);
  const codec::Subscription sub{"devices/x/commands/#", QoS::AtLeastOnce};
  EXPECT_FALSE(h.session().subscribe(std::span{&sub, 1}, h.now()).ok());
  EXPECT_TRUE(h.transmit().empty());
  // ...and with another, publishing goes on with the next packet identifier.
  auto none = h.session().replace_store(other);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  h.publish("devices/x/a", "3", QoS::AtLeastOnce);
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "3");
  EXPECT_NE(sent[0].publish().packet_id, 0);
  h.receive(codec::Ack{PacketType::Puback, sent[0].publish().packet_id});
  EXPECT_EQ(h.events().size(), 1u);
  EXPECT_EQ(h.session().stats().delivered, 2u);
  EXPECT_EQ(h.session().stats().queued, 0u);
}

TEST(SessionLentBuffers, StoreWithTopicAliasesIsNotLent) {
  MQTT_SETUP_SKIP_WITHOUT_V5();  // topic aliases are 5.0's
  SessionConfig config = SessionHarness::default_config();
  config.version = codec::ProtocolVersion::V5;
  config.topic_aliases = 2;
  SessionHarness h(config);
  auto replaced = h.session().replace_store({});
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.error(), SessionError::Busy);
}

TEST(SessionLentBuffers, ReceiveBufferIsLentBetweenPacketsOnly) {
  SessionHarness h;
  h.connect();
  const auto bytes = encoded(codec::Publish{"devices/x/commands/restart", codec::as_bytes("go"),
                                            QoS::AtLeastOnce, false, false, 5});
  // Half a packet: the receive buffer holds it and may not be lent.
  const std::size_t half = bytes.size() / 2;
  EXPECT_EQ(h.session().handle_bytes(codec::Bytes{bytes}.first(half), h.now()), half);
  EXPECT_TRUE(h.events().empty());
  auto replaced = h.session().replace_rx({});
  ASSERT_FALSE(replaced.ok());
  EXPECT_EQ(replaced.error(), SessionError::Busy);
  EXPECT_EQ(h.session().handle_bytes(codec::Bytes{bytes}.subspan(half), h.now()),
            bytes.size() - half);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(codec::as_text(evs[0].message.payload), "go");

  // Decoded: lent out, nothing can arrive; with another buffer, packets are read again.
  auto lent = h.session().replace_rx({});
  ASSERT_TRUE(lent.ok());
  EXPECT_EQ(lent->size(), 4096u);  // the harness's own, handed back to its owner
  EXPECT_TRUE(h.session().rx_space().empty());
  EXPECT_EQ(h.session().handle_bytes(bytes, h.now()), 0u);
  std::vector<std::uint8_t> other(256);
  ASSERT_TRUE(h.session().replace_rx(other).ok());
  EXPECT_EQ(h.session().rx_space().data(), other.data());
  h.receive_bytes(bytes);
  evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].message.packet_id, 5);
  // The new buffer's size is the largest packet accepted now.
  std::string big(300, 'x');
  const auto too_large = encoded(codec::Publish{"devices/x/commands/configuration",
                                                codec::as_bytes(big), QoS::AtMostOnce, false,
                                                false, 0});
  EXPECT_EQ(h.session().handle_bytes(too_large, h.now()), other.size());
  evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::PacketTooLarge);
}

}  // namespace
}  // namespace mqtt_setup::testing
