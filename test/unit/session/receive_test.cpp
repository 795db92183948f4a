#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

codec::Publish incoming(QoS qos, std::uint16_t id, std::string_view payload = "go",
                        bool dup = false) {
  return codec::Publish{"devices/x/commands/restart", codec::as_bytes(payload), qos, false, dup,
                        id};
}

TEST(SessionReceive, QoS0MessageIsAnEvent) {
  SessionHarness h;
  h.connect();
  h.receive(incoming(QoS::AtMostOnce, 0, "hello"));
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Message);
  EXPECT_EQ(evs[0].message.topic, "devices/x/commands/restart");
  EXPECT_EQ(codec::as_text(evs[0].message.payload), "hello");
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionReceive, QoS1IsAcknowledged) {
  SessionHarness h;
  h.connect();
  h.receive(incoming(QoS::AtLeastOnce, 42));
  ASSERT_EQ(h.events().size(), 1u);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Puback);
  EXPECT_EQ(sent[0].ack().packet_id, 42);
}

TEST(SessionReceive, QoS2DeliveredExactlyOnce) {
  SessionHarness h;
  h.connect();
  h.receive(incoming(QoS::ExactlyOnce, 7));
  EXPECT_EQ(h.events().size(), 1u);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubrec);
  // The broker did not see our PUBREC and sends the message again.
  h.receive(incoming(QoS::ExactlyOnce, 7, "go", /*dup=*/true));
  EXPECT_TRUE(h.events().empty());
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubrec);
  h.receive(codec::Ack{PacketType::Pubrel, 7});
  EXPECT_TRUE(h.events().empty());
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubcomp);
  // After PUBREL the identifier is free: the same id is a new message.
  h.receive(incoming(QoS::ExactlyOnce, 7, "again"));
  EXPECT_EQ(h.events().size(), 1u);
}

TEST(SessionReceive, ManyPacketsInOneReadAllHandled) {
  SessionHarness h;
  h.connect();
  std::vector<std::uint8_t> burst;
  for (std::uint16_t id = 1; id <= 100; ++id) {
    codec::Packet p = incoming(QoS::AtLeastOnce, id);
    std::vector<std::uint8_t> bytes(codec::encoded_size(p));
    ASSERT_TRUE(codec::encode(p, bytes).ok());
    burst.insert(burst.end(), bytes.begin(), bytes.end());
  }
  std::size_t offset = 0;
  std::size_t messages = 0;
  std::size_t acks = 0;
  for (int round = 0; round < 100 && (offset < burst.size() || messages < 100); ++round) {
    offset += h.session().handle_bytes(
        codec::Bytes{burst.data() + offset, burst.size() - offset}, h.now());
    messages += h.events().size();
    acks += h.transmit().size();
  }
  EXPECT_EQ(messages, 100u);
  EXPECT_EQ(acks, 100u);
}

TEST(SessionReceive, ManyUnreleasedQoS2AreDeliveredBeyondTheTrackingCapacity) {
  SessionHarness h;
  h.connect();
  std::size_t messages = 0;
  for (std::uint16_t id = 1; id <= 200; ++id) {
    h.receive(incoming(QoS::ExactlyOnce, id));
    messages += h.events().size();
    ASSERT_EQ(h.transmit().size(), 1u);  // PUBREC
  }
  EXPECT_TRUE(h.session().connected());
  EXPECT_EQ(messages, 200u);
  EXPECT_EQ(h.session().stats().qos2_untracked, 72u);
  // Tracked ones are still deduplicated.
  h.receive(incoming(QoS::ExactlyOnce, 5, "go", true));
  EXPECT_TRUE(h.events().empty());
}

}  // namespace
}  // namespace mqtt_setup::testing
