// Our own DISCONNECT with a reason code and a session expiry interval ([MQTT-3.14.2]).
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;

SessionConfig with_session_expiry(PropertyBuffer& props, std::uint32_t seconds) {
  SessionConfig c = v5_config();
  c.clean_session = false;
  props.add(PropertyId::SessionExpiryInterval, seconds);
  c.connect_properties = props.get();
  return c;
}

TEST(SessionV5Disconnect, WithWillMessageSends0x04) {
  SessionHarness h(v5_config());
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kDisconnectWithWill);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x01, 0x04}));  // no properties
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Requested);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
}

TEST(SessionV5Disconnect, NormalReasonIsStillTheShortForm) {
  SessionHarness h(v5_config());
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kSuccess);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x00}));
}

TEST(SessionV5Disconnect, CarriesTheSessionExpiryAsked) {
  PropertyBuffer connect_props;
  SessionHarness h(with_session_expiry(connect_props, 600));
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kSuccess, 3600);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  PropertyBuffer expected;
  expected.add(PropertyId::SessionExpiryInterval, 3600);
  EXPECT_EQ(sent[0].bytes, v5_bytes(codec::Disconnect{0x00, expected.get()}));
}

TEST(SessionV5Disconnect, NoSessionExpiryWhenConnectAskedZero) {
  // [MQTT-3.14.2-2]: after a CONNECT with session expiry 0, a non-zero one in DISCONNECT is a
  // protocol error; it is left out.
  SessionHarness h(v5_config());
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kSuccess, 3600);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x00}));
}

TEST(SessionV5Disconnect, ZeroSessionExpiryIsAlwaysAllowed) {
  PropertyBuffer connect_props;
  SessionHarness h(with_session_expiry(connect_props, 600));
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kDisconnectWithWill, 0);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  PropertyBuffer expected;
  expected.add(PropertyId::SessionExpiryInterval, 0);
  EXPECT_EQ(sent[0].bytes, v5_bytes(codec::Disconnect{0x04, expected.get()}));
}

TEST(SessionV5Disconnect, TheReasonIsForgottenByTheNextConnection) {
  SessionHarness h(v5_config());
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kDisconnectWithWill);
  ASSERT_EQ(h.transmit().size(), 1u);
  (void)h.events();
  h.connect();
  h.session().disconnect(h.now());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x00}));
}

TEST(Session311Disconnect, WithWillClosesWithoutDisconnect) {
  // 3.1.1 has no reason code: the broker publishes the will when the connection ends without
  // DISCONNECT ([MQTT-3.1.2-8]), so that is how "with will" ends there.
  SessionHarness h;
  h.connect();
  h.publish("devices/x/a", "1", codec::QoS::AtMostOnce);
  h.session().disconnect(h.now(), codec::reason::kDisconnectWithWill);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);  // what was queued goes; no DISCONNECT after it
  EXPECT_EQ(sent[0].type, PacketType::Publish);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Requested);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
}

TEST(Session311Disconnect, NormalReasonSendsThePlainDisconnect) {
  SessionHarness h;
  h.connect();
  h.session().disconnect(h.now(), codec::reason::kSuccess, 60);
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].bytes, (std::vector<std::uint8_t>{0xE0, 0x00}));
}

}  // namespace
}  // namespace mqtt_setup::testing
