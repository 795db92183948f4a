// 5.0 limits on our publishes: message expiry from the time to live, the broker's maximum
// packet size, retain and QoS availability, and properties only the session may set.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

Result<Ticket, SessionError> publish_with(SessionHarness& h, const codec::Publish& p,
                                          Millis ttl_ms = 0) {
  PublishOptions options;
  options.ttl_ms = ttl_ms;
  return h.session().publish(p, h.now(), options);
}

std::vector<std::uint8_t> expiring(std::string_view topic, std::string_view payload,
                                   std::uint32_t seconds, QoS qos = QoS::AtMostOnce,
                                   std::uint16_t id = 0) {
  PropertyBuffer props;
  props.add(PropertyId::MessageExpiryInterval, seconds);
  return v5_bytes(make_publish(topic, payload, qos, id, props.get()));
}

TEST(SessionV5Expiry, QueuedMessageCarriesItsRemainingLifetimeRoundedUp) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce), 10'000));
  h.advance(3'500);
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  // [MQTT-3.3.2-6]: 6.5 s left -> 7
  EXPECT_EQ(sent[0].bytes, expiring("devices/x/temp", "21.5", 7, QoS::AtLeastOnce, 1));
}

TEST(SessionV5Expiry, WholeSecondsAreNotRoundedFurther) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/temp", "21.5"), 10'000));
  h.advance(3'000);
  h.connect();
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, expiring("devices/x/temp", "21.5", 7));
}

TEST(SessionV5Expiry, SentAtOnceCarriesTheWholeLifetime) {
  SessionHarness h(v5_config());
  h.connect();
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/temp", "21.5"), 60'000));
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, expiring("devices/x/temp", "21.5", 60));
}

TEST(SessionV5Expiry, ExpiredBeforeConnectingIsDroppedNotSent) {
  SessionHarness h(v5_config());
  auto t = publish_with(h, make_publish("devices/x/temp", "21.5", QoS::AtLeastOnce), 10'000);
  ASSERT_TRUE(t);
  h.advance(10'000);
  h.connect();
  EXPECT_TRUE(h.transmit().empty());
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(evs[0].drop_reason, DropReason::Expired);
  EXPECT_EQ(evs[0].ticket, t->id);
  EXPECT_EQ(h.session().stats().expired, 1u);
}

TEST(SessionV5Expiry, ExpiryComesBeforeTheAliasAndTheUsersProperties) {
  SessionConfig config = v5_config();
  config.topic_aliases = 2;
  SessionHarness h(config);
  PropertyBuffer user;
  user.add_user("unit", "C");
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/temp", "21.5", QoS::AtMostOnce, 0,
                                           user.get()),
                           5'000));
  PropertyBuffer limits;
  limits.add(PropertyId::TopicAliasMaximum, 10);
  h.connect(false, limits.get());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  PropertyBuffer expected;
  expected.add(PropertyId::MessageExpiryInterval, 5)
      .add(PropertyId::TopicAlias, 1)
      .add_user("unit", "C");
  EXPECT_EQ(sent[0].bytes,
            v5_bytes(make_publish("devices/x/temp", "21.5", QoS::AtMostOnce, 0, expected.get())));
}

TEST(SessionV5Expiry, TheSessionsOwnPropertiesAreRefusedFromTheUser) {
  SessionHarness h(v5_config());
  PropertyBuffer expiry;
  expiry.add(PropertyId::MessageExpiryInterval, 30);
  PropertyBuffer alias;
  alias.add(PropertyId::TopicAlias, 1);
  for (const codec::Properties& props : {expiry.get(), alias.get()}) {
    auto r = publish_with(h, make_publish("devices/x/temp", "1", QoS::AtMostOnce, 0, props));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), SessionError::InvalidMessage);
  }
  EXPECT_EQ(h.session().stats().queued, 0u);
}

TEST(SessionV5MaximumPacketSize, TooLargeQueuedMessageIsDroppedAndTheRestGo) {
  SessionHarness h(v5_config());
  const std::string big(200, 'x');
  h.publish("devices/x/a", "1", QoS::AtLeastOnce);
  const Ticket too_big = h.publish("devices/x/a", big, QoS::AtLeastOnce);
  h.publish("devices/x/a", "3", QoS::AtMostOnce);
  h.publish("devices/x/a", "4", QoS::AtLeastOnce);
  PropertyBuffer limits;
  limits.add(PropertyId::MaximumPacketSize, 100);
  h.connect(false, limits.get());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "1");
  EXPECT_EQ(codec::as_text(sent[1].publish().payload), "3");
  EXPECT_EQ(codec::as_text(sent[2].publish().payload), "4");
  for (const auto& p : sent) EXPECT_LE(p.bytes.size(), 100u);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Dropped);
  EXPECT_EQ(h.session().stats().too_large, 1u);
  EXPECT_EQ(evs[0].drop_reason, DropReason::TooLargeForBroker);
  EXPECT_EQ(evs[0].ticket, too_big.id);
  h.receive(codec::Ack{PacketType::Puback, sent[0].publish().packet_id});
  h.receive(codec::Ack{PacketType::Puback, sent[2].publish().packet_id});
  EXPECT_EQ(of_kind(h.events(), Event::Kind::Delivered).size(), 2u);
  EXPECT_EQ(h.session().stats().queued, 0u);
  EXPECT_EQ(h.session().stats().inflight, 0u);
}

TEST(SessionV5MaximumPacketSize, PublishWhileConnectedRefusesTooLarge) {
  SessionHarness h(v5_config());
  PropertyBuffer limits;
  limits.add(PropertyId::MaximumPacketSize, 100);
  h.connect(false, limits.get());
  const std::string big(200, 'x');
  auto r = publish_with(h, make_publish("devices/x/a", big, QoS::AtLeastOnce));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SessionError::TooLarge);
  // Exactly the maximum is allowed: 2 + (2 + 11) + 2 + 1 + 82 = 100 bytes.
  const std::string fits(82, 'x');
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/a", fits, QoS::AtLeastOnce)));
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes.size(), 100u);
}

TEST(SessionV5MaximumPacketSize, NoLimitWithoutTheProperty) {
  SessionHarness h(v5_config());
  h.connect();
  const std::string big(3000, 'x');
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/a", big)));
  EXPECT_EQ(h.transmit().size(), 1u);
}

// The driver's transmit buffer is max_packet_size bytes (MQTTSetup sizes it so). What the
// session adds on the wire (message expiry, a topic alias) must fit too, or the message would
// wait at the head of the store for ever.
TEST(SessionV5MaximumPacketSize, WhatTheSessionAddsStillFitsTheTransmitBuffer) {
  SessionConfig config = v5_config();
  config.max_packet_size = 128;
  config.topic_aliases = 2;
  SessionHarness h(config, 64 * 1024, 4096, /*tx=*/128);
  PropertyBuffer limits;
  limits.add(PropertyId::TopicAliasMaximum, 10);
  h.connect(false, limits.get());
  // Stored: 2 + (2 + 11) + 1 + 112 = 128 bytes, the most publish() accepts.
  const std::string payload(112, 'x');
  auto r = publish_with(h, make_publish("devices/x/a", payload), 60'000);
  ASSERT_FALSE(r) << "accepted, but with expiry and alias it can never be written";
  EXPECT_EQ(r.error(), SessionError::TooLarge);
  // Nothing is stuck at the head of the store.
  h.publish("devices/x/a", "1", QoS::AtMostOnce);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(codec::as_text(sent[0].publish().payload), "1");
  // What leaves room for the additions is accepted and sent.
  const std::string smaller(112 - 8, 'x');
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/b", smaller), 60'000));
  auto more = h.transmit();
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].bytes.size(), 128u);
}

TEST(SessionV5MaximumPacketSize, WithoutAdditionsTheWholeBufferIsUsable) {
  SessionConfig config = v5_config();
  config.max_packet_size = 128;
  SessionHarness h(config, 64 * 1024, 4096, /*tx=*/128);
  h.connect();
  const std::string payload(112, 'x');
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/a", payload)));
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes.size(), 128u);
}

TEST(SessionV5ServerSupport, RetainRefusedWhenUnavailable) {
  SessionHarness h(v5_config());
  PropertyBuffer limits;
  limits.add(PropertyId::RetainAvailable, 0);
  h.connect(false, limits.get());
  codec::Publish p = make_publish("devices/x/status", "online");
  p.retain = true;
  auto r = publish_with(h, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SessionError::NotSupportedByServer);  // [MQTT-3.2.2-14]
  p.retain = false;
  EXPECT_TRUE(publish_with(h, p));
}

TEST(SessionV5ServerSupport, QoSAboveTheMaximumIsRefused) {
  SessionHarness h(v5_config());
  PropertyBuffer limits;
  limits.add(PropertyId::MaximumQoS, 1);
  h.connect(false, limits.get());
  auto r = publish_with(h, make_publish("devices/x/a", "1", QoS::ExactlyOnce));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SessionError::NotSupportedByServer);  // [MQTT-3.2.2-11]
  EXPECT_TRUE(publish_with(h, make_publish("devices/x/a", "1", QoS::AtLeastOnce)));

  SessionHarness z(v5_config());
  PropertyBuffer qos0;
  qos0.add(PropertyId::MaximumQoS, 0);
  z.connect(false, qos0.get());
  auto r1 = publish_with(z, make_publish("devices/x/a", "1", QoS::AtLeastOnce));
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error(), SessionError::NotSupportedByServer);
  EXPECT_TRUE(publish_with(z, make_publish("devices/x/a", "1", QoS::AtMostOnce)));
}

TEST(SessionV5ServerSupport, QueuedMessagesTheBrokerCannotTakeAreDroppedNotSent) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/a", "2", QoS::ExactlyOnce)));
  codec::Publish retained = make_publish("devices/x/status", "online");
  retained.retain = true;
  ASSERT_TRUE(publish_with(h, retained));
  ASSERT_TRUE(publish_with(h, make_publish("devices/x/a", "1", QoS::AtLeastOnce)));

  PropertyBuffer limits;
  limits.add(PropertyId::MaximumQoS, 1).add(PropertyId::RetainAvailable, 0);
  h.connect(false, limits.get());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);  // [MQTT-3.2.2-11], [MQTT-3.2.2-14]: only what it can take
  EXPECT_EQ(sent[0].publish().qos, QoS::AtLeastOnce);
  EXPECT_FALSE(sent[0].publish().retain);
  const auto dropped = of_kind(h.events(), Event::Kind::Dropped);
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(h.session().stats().not_supported, 2u);
  EXPECT_EQ(dropped[0].drop_reason, DropReason::NotSupportedByServer);
  EXPECT_EQ(dropped[1].drop_reason, DropReason::NotSupportedByServer);
  EXPECT_EQ(h.session().stats().dropped, 2u);
}

}  // namespace
}  // namespace mqtt_setup::testing
