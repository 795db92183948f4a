#include "session_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::ConnectReturnCode;
using codec::PacketType;

TEST(SessionConnect, SendsConnectWithConfiguredFields) {
  SessionConfig config = SessionHarness::default_config();
  config.username = "device";
  const std::string password = "secret";
  config.password = codec::as_bytes(password);
  config.will = codec::Will{"devices/x/status/online", codec::as_bytes("offline"),
                            codec::QoS::AtLeastOnce, true};
  config.clean_session = false;
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  auto d = codec::decode(sent[0].bytes);
  ASSERT_TRUE(d.ok());
  const auto& c = std::get<codec::Connect>(d->packet);
  EXPECT_EQ(c.client_id, "esp32_0011223344");
  EXPECT_EQ(c.keep_alive_s, 10);
  EXPECT_FALSE(c.clean_session);
  ASSERT_TRUE(c.username.has_value());
  EXPECT_EQ(*c.username, "device");
  ASSERT_TRUE(c.password.has_value());
  EXPECT_EQ(codec::as_text(*c.password), "secret");
  ASSERT_TRUE(c.will.has_value());
  EXPECT_EQ(c.will->topic, "devices/x/status/online");
  EXPECT_TRUE(c.will->retain);
}

TEST(SessionConnect, NothingButConnectBeforeConnack) {
  SessionHarness h;
  h.publish("devices/x/a", "1", codec::QoS::AtLeastOnce);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Connect);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionConnect, ConnackAcceptedGivesConnectedAndFlushesQueue) {
  SessionHarness h;
  h.publish("devices/x/a", "1", codec::QoS::AtLeastOnce);
  h.connect();
  EXPECT_TRUE(h.session().connected());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Publish);
}

TEST(SessionConnect, EveryRefusalCodeIsReported) {
  for (auto code : {ConnectReturnCode::UnacceptableProtocolVersion,
                    ConnectReturnCode::IdentifierRejected, ConnectReturnCode::ServerUnavailable,
                    ConnectReturnCode::BadUsernameOrPassword, ConnectReturnCode::NotAuthorized}) {
    SessionHarness h;
    ASSERT_TRUE(h.session().start_connect(h.now()).ok());
    h.transmit();
    h.receive(codec::Connack{false, code});
    auto evs = h.events();
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
    EXPECT_EQ(evs[0].reason, DisconnectReason::Refused);
    EXPECT_EQ(evs[0].refused, code);
    EXPECT_EQ(h.session().state(), SessionState::Disconnected);
    EXPECT_FALSE(describe(code).empty());
  }
}

TEST(SessionConnect, ConnackTimeout) {
  SessionConfig config = SessionHarness::default_config();
  config.connect_timeout_ms = 5000;
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 5000);
  h.advance(4999);
  EXPECT_TRUE(h.events().empty());
  h.advance(1);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ConnectTimeout);
}

TEST(SessionConnect, ConnackSplitIntoSingleBytes) {
  SessionHarness h;
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  const std::vector<std::uint8_t> connack{0x20, 0x02, 0x00, 0x00};
  for (std::size_t i = 0; i < connack.size(); ++i) {
    EXPECT_TRUE(h.events().empty());
    h.receive_bytes({connack[i]});
  }
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Connected);
}

TEST(SessionConnect, PacketBeforeConnackIsViolation) {
  SessionHarness h;
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Pingresp{});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_EQ(evs[0].violation, Violation::PacketBeforeConnack);
}

TEST(SessionConnect, SecondConnackIsViolation) {
  SessionHarness h;
  h.connect();
  h.receive(codec::Connack{});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::DuplicateConnack);
}

TEST(SessionConnect, StartConnectTwiceIsBusy) {
  SessionHarness h;
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto again = h.session().start_connect(h.now());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), SessionError::Busy);
}

TEST(SessionConnect, DisconnectSendsDisconnectAndReports) {
  SessionHarness h;
  h.connect();
  h.session().disconnect(h.now());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].type, PacketType::Disconnect);
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::Requested);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
}

TEST(SessionConnect, ServerSendingClientOnlyPacketsIsViolation) {
  SessionHarness h;
  h.connect();
  h.receive(codec::Pingreq{});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::UnexpectedPacketType);
}

TEST(SessionConnect, MalformedBytesEndTheConnection) {
  SessionHarness h;
  h.connect();
  h.receive_bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});  // 5-byte remaining length
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::MalformedPacket);
  EXPECT_EQ(evs[0].decode_error, codec::DecodeError::MalformedRemainingLength);
}

TEST(SessionConnect, HugeLengthIsRejectedBeforeItArrives) {
  SessionHarness h;
  h.connect();
  h.receive_bytes({0x30, 0x80, 0x80, 0x80, 0x7F});  // 256 MB PUBLISH announced
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::PacketTooLarge);
}

}  // namespace
}  // namespace mqtt_setup::testing
