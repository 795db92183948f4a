#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

TEST(SessionPublish, QoS0IsDeliveredWhenWritten) {
  SessionHarness h;
  h.connect();
  auto t = h.publish("devices/x/sensors/temperature", "23.5", QoS::AtMostOnce);
  EXPECT_EQ(t.accepted, Accepted::Sending);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  auto p = sent[0].publish();
  EXPECT_EQ(p.topic, "devices/x/sensors/temperature");
  EXPECT_EQ(codec::as_text(p.payload), "23.5");
  EXPECT_EQ(p.packet_id, 0);
  EXPECT_TRUE(h.events().empty());  // QoS 0 is only counted
  EXPECT_EQ(h.session().stats().delivered, 1u);
  EXPECT_EQ(h.session().stats().queued, 0u);
}

TEST(SessionPublish, QoS1DeliveredOnPuback) {
  SessionHarness h;
  h.connect();
  auto t = h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  auto p = sent[0].publish();
  EXPECT_NE(p.packet_id, 0);
  EXPECT_FALSE(p.dup);
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().stats().inflight, 1u);
  h.receive(codec::Ack{PacketType::Puback, p.packet_id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
  EXPECT_EQ(evs[0].ticket, t.id);
  EXPECT_EQ(h.session().stats().inflight, 0u);
  EXPECT_EQ(h.session().stats().queued, 0u);
}

TEST(SessionPublish, QoS2FullHandshake) {
  SessionHarness h;
  h.connect();
  auto t = h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  const auto id = sent[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Pubrec, id});
  EXPECT_TRUE(h.events().empty());
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Pubrel);
  EXPECT_EQ(sent[0].ack().packet_id, id);
  // PUBACK is the wrong answer for QoS 2: ignored.
  h.receive(codec::Ack{PacketType::Puback, id});
  EXPECT_TRUE(h.events().empty());
  h.receive(codec::Ack{PacketType::Pubcomp, id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
  EXPECT_EQ(evs[0].ticket, t.id);
}

TEST(SessionPublish, WindowLimitsMessagesInFlight) {
  SessionConfig c = SessionHarness::default_config();
  c.max_inflight = 2;
  SessionHarness h(c);
  h.connect();
  for (int i = 0; i < 5; ++i) h.publish("devices/x/a", std::to_string(i), QoS::AtLeastOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 10'000);  // nothing due but ping
  h.receive(codec::Ack{PacketType::Puback, sent[0].publish().packet_id});
  h.events();
  auto more = h.transmit();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(codec::as_text(more[0].publish().payload), "2");
}

TEST(SessionPublish, OrderIsKeptAcrossQoSLevels) {
  SessionHarness h;
  h.connect();
  h.publish("devices/x/a", "0", QoS::AtLeastOnce);
  h.publish("devices/x/a", "1", QoS::AtMostOnce);
  h.publish("devices/x/a", "2", QoS::ExactlyOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(codec::as_text(sent[static_cast<std::size_t>(i)].publish().payload),
              std::to_string(i));
  }
}

TEST(SessionPublish, InvalidTopicsAreRefused) {
  SessionHarness h;
  h.connect();
  for (std::string_view topic : {"", "devices/+/a", "devices/#"}) {
    codec::Publish p;
    p.topic = topic;
    auto r = h.session().publish(p, h.now());
    ASSERT_FALSE(r.ok()) << topic;
    EXPECT_EQ(r.error(), SessionError::InvalidTopic);
  }
}

TEST(SessionPublish, TooLargeForTheBuffersIsRefused) {
  SessionConfig c = SessionHarness::default_config();
  c.max_packet_size = 100;
  SessionHarness h(c);
  h.connect();
  std::string big(200, 'x');
  codec::Publish p;
  p.topic = "devices/x/a";
  p.payload = codec::as_bytes(big);
  auto r = h.session().publish(p, h.now());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), SessionError::TooLarge);
}

TEST(SessionPublish, PacketIdsWrapAndSkipZero) {
  SessionHarness h;
  h.connect();
  std::uint16_t previous = 0;
  bool wrapped = false;
  for (int i = 0; i < 70'000; ++i) {
    h.publish("devices/x/a", "v", QoS::AtLeastOnce);
    auto sent = h.transmit();
    ASSERT_EQ(sent.size(), 1u);
    const auto id = sent[0].publish().packet_id;
    ASSERT_NE(id, 0);
    if (id < previous) wrapped = true;
    previous = id;
    h.receive(codec::Ack{PacketType::Puback, id});
    ASSERT_EQ(h.events().size(), 1u);
  }
  EXPECT_TRUE(wrapped);
  EXPECT_EQ(h.session().stats().delivered, 70'000u);
}

TEST(SessionPublish, OutOfOrderAcksFreeTheStore) {
  SessionConfig c = SessionHarness::default_config();
  c.max_inflight = 10;
  SessionHarness h(c, /*store=*/2048);
  h.connect();
  std::uint64_t delivered = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 10; ++i) h.publish("devices/x/a", "payload", QoS::AtLeastOnce);
    auto sent = h.transmit();
    ASSERT_EQ(sent.size(), 10u);
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {  // newest first
      h.receive(codec::Ack{PacketType::Puback, it->publish().packet_id});
    }
    delivered += of_kind(h.events(), Event::Kind::Delivered).size();
  }
  EXPECT_EQ(delivered, 2000u);
  EXPECT_EQ(h.session().stats().queued, 0u);
  EXPECT_EQ(h.session().stats().dropped, 0u);
}

TEST(SessionPublish, UnknownAcksAreCountedAndIgnored) {
  SessionHarness h;
  h.connect();
  h.receive(codec::Ack{PacketType::Puback, 999});
  h.receive(codec::Ack{PacketType::Pubcomp, 7});
  EXPECT_TRUE(h.events().empty());
  EXPECT_TRUE(h.session().connected());
  EXPECT_EQ(h.session().stats().unknown_acks, 2u);
}

TEST(SessionPublish, PubackForQos2IsItsDeliveryAtQos1) {
  // RabbitMQ 3.10 answers a QoS 2 PUBLISH with PUBACK (it downgrades QoS 2 to 1): the message
  // reached the broker, at QoS 1. Taken as delivered and counted, rather than waited for.
  SessionHarness h;
  h.connect();
  const Ticket t = h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Puback, id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
  EXPECT_EQ(evs[0].ticket, t.id);
  EXPECT_TRUE(h.transmit().empty());  // no PUBREL
  const SessionStats s = h.session().stats();
  EXPECT_EQ(s.qos2_acked_as_qos1, 1u);
  EXPECT_EQ(s.delivered, 1u);
  EXPECT_EQ(s.unknown_acks, 0u);
  EXPECT_EQ(s.inflight, 0u);
  EXPECT_EQ(s.queued, 0u);
}

TEST(SessionPublish, PubackAfterPubrecIsStillUnknown) {
  SessionHarness h;
  h.connect();
  h.publish("devices/x/a", "1", QoS::ExactlyOnce);
  const auto id = h.transmit()[0].publish().packet_id;
  h.receive(codec::Ack{PacketType::Pubrec, id});
  EXPECT_TRUE(h.events().empty());
  ASSERT_EQ(h.transmit().size(), 1u);  // PUBREL
  h.receive(codec::Ack{PacketType::Puback, id});  // not PUBCOMP: the exchange goes on
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.session().stats().unknown_acks, 1u);
  EXPECT_EQ(h.session().stats().qos2_acked_as_qos1, 0u);
  EXPECT_EQ(h.session().stats().inflight, 1u);
}

TEST(SessionSubscribe, SubackReportsReturnCodes) {
  SessionHarness h;
  h.connect();
  const codec::Subscription subs[] = {{"devices/x/commands/#", QoS::AtLeastOnce},
                                      {"forbidden/#", QoS::AtLeastOnce}};
  auto t = h.session().subscribe(subs, h.now());
  ASSERT_TRUE(t.ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].type, PacketType::Subscribe);
  auto d = codec::decode(sent[0].bytes);
  const auto& s = std::get<codec::Subscribe>(d->packet);
  ASSERT_EQ(s.filters.size(), 2u);
  const std::uint8_t codes[] = {0x01, codec::kSubackFailure};
  h.receive(codec::Suback{s.packet_id, codes});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Subscribed);
  EXPECT_EQ(evs[0].ticket, t->id);
  ASSERT_EQ(evs[0].return_codes.size(), 2u);
  EXPECT_EQ(evs[0].return_codes[1], codec::kSubackFailure);
}

TEST(SessionSubscribe, UnsubscribeIsAcknowledged) {
  SessionHarness h;
  h.connect();
  const std::string_view filters[] = {"a/#", "b/+"};
  auto t = h.session().unsubscribe(filters, h.now());
  ASSERT_TRUE(t.ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].type, PacketType::Unsubscribe);
  auto d = codec::decode(sent[0].bytes);
  const auto& u = std::get<codec::Unsubscribe>(d->packet);
  ASSERT_EQ(u.filters.size(), 2u);
  h.receive(codec::Ack{PacketType::Unsuback, u.packet_id});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Unsubscribed);
}

TEST(SessionSubscribe, InvalidFilterRefused) {
  SessionHarness h;
  const codec::Subscription subs[] = {{"a/#/b", QoS::AtMostOnce}};
  auto t = h.session().subscribe(subs, h.now());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error(), SessionError::InvalidTopic);
}

}  // namespace
}  // namespace mqtt_setup::testing
