// The DISCONNECT a 5.0 session writes before closing on a protocol error it detected
// ([MQTT-4.13.1]: "it SHOULD send a DISCONNECT packet containing the reason code before closing
// the Network Connection"), and its absence under 3.1.1, which has no reason codes.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

/// The one DISCONNECT the session has left to say after the event (its reason code in `code`,
/// its reason string returned); checks it is the last word.
std::string farewell_reason(SessionHarness& h, std::uint8_t* code) {
  auto sent = h.transmit();
  EXPECT_EQ(sent.size(), 1u);
  if (sent.size() != 1u || sent[0].type != PacketType::Disconnect) return "<no DISCONNECT>";
  EXPECT_TRUE(h.transmit().empty()) << "said twice";
  const auto d = std::get<codec::Disconnect>(sent[0].packet());
  *code = d.reason_code;
  auto p = d.properties.find(PropertyId::ReasonString);
  return p ? std::string(p->text) : std::string{};
}

TEST(SessionV5Farewell, MalformedPacketSends0x81ThenNothing) {
  SessionHarness h(v5_config());
  h.session().send_reason_strings();
  h.connect();
  // PUBLISH QoS 0 whose topic length (0x00 0x10) runs past the packet's end.
  h.receive_bytes({0x30, 0x04, 0x00, 0x10, 'a', 'b'});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::MalformedPacket);  // what we saw, as before
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
  std::uint8_t code = 0;
  const std::string why = farewell_reason(h, &code);
  EXPECT_EQ(code, codec::reason::kMalformedPacket);
  EXPECT_FALSE(why.empty());
  EXPECT_LT(why.size(), 64u);  // short
}

TEST(SessionV5Farewell, UnexpectedPacketSends0x82) {
  SessionHarness h(v5_config());
  h.session().send_reason_strings();
  h.connect();
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, {}});  // a second CONNACK
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::DuplicateConnack);
  std::uint8_t code = 0;
  EXPECT_FALSE(farewell_reason(h, &code).empty());
  EXPECT_EQ(code, codec::reason::kProtocolError);
}

TEST(SessionV5Farewell, WithoutReasonStringsTheCodeGoesAlone) {
  // The core's default: no texts linked, the reason code says it (send_reason_strings() adds one).
  SessionHarness h(v5_config());
  h.connect();
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, {}});  // a second CONNACK
  ASSERT_EQ(h.events().size(), 1u);
  std::uint8_t code = 0;
  EXPECT_EQ(farewell_reason(h, &code), "");
  EXPECT_EQ(code, codec::reason::kProtocolError);
}

TEST(SessionV5Farewell, ClientOnlyPacketSends0x82) {
  SessionHarness h(v5_config());
  h.connect();
  h.receive_bytes({0xC0, 0x00});  // PINGREQ: only a client sends it
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::UnexpectedPacketType);
  std::uint8_t code = 0;
  (void)farewell_reason(h, &code);
  EXPECT_EQ(code, codec::reason::kProtocolError);
}

TEST(SessionV5Farewell, PacketBeforeConnackSends0x82) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  ASSERT_EQ(h.transmit().size(), 1u);  // CONNECT
  h.receive(codec::Pingresp{});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::PacketBeforeConnack);
  std::uint8_t code = 0;
  (void)farewell_reason(h, &code);
  EXPECT_EQ(code, codec::reason::kProtocolError);
}

TEST(SessionV5Farewell, PacketLargerThanReceiveBufferSends0x95) {
  SessionHarness h(v5_config(), 64 * 1024, /*rx=*/256);
  h.connect();
  // A PUBLISH announcing 1000 bytes: more than the 256-byte receive buffer can ever hold.
  h.receive_bytes({0x30, 0xE8, 0x07, 0x00, 0x01, 'a'});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::PacketTooLarge);
  std::uint8_t code = 0;
  (void)farewell_reason(h, &code);
  EXPECT_EQ(code, codec::reason::kPacketTooLarge);
}

TEST(SessionV5Farewell, SaidOnceAndForgottenByTheNextConnection) {
  SessionHarness h(v5_config());
  h.connect();
  h.receive_bytes({0xC0, 0x00});
  (void)h.events();
  // The driver closed without asking for the last words: the next connection starts clean.
  h.connect();
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionV5Farewell, NoneAfterTheServersOwnDisconnect) {
  SessionHarness h(v5_config());
  h.connect();
  h.receive(codec::Disconnect{codec::reason::kServerShuttingDown, {}});
  (void)h.events();
  EXPECT_TRUE(h.transmit().empty());  // the broker is gone; nothing is owed
}

TEST(SessionV5Farewell, NoneAfterATimeoutOrALostLink) {
  SessionHarness h(v5_config());
  h.connect();
  h.session().connection_lost(h.now());
  (void)h.events();
  EXPECT_TRUE(h.transmit().empty());
}

TEST(Session311Farewell, ProtocolErrorJustCloses) {
  SessionHarness h;  // 3.1.1: DISCONNECT has no reason code, so nothing is said
  h.connect();
  h.receive_bytes({0xC0, 0x00});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_TRUE(h.transmit().empty());
}

}  // namespace
}  // namespace mqtt_setup::testing
