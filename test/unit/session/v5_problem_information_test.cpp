// 5.0 Request Problem Information and Response Information ([MQTT-3.1.2.11.6],
// [MQTT-3.1.2.11.7], [MQTT-3.2.2.3.15]): with problem information turned off (CONNECT property
// 0x17 = 0) a reason string or user property is allowed only on PUBLISH, CONNACK and
// DISCONNECT ([MQTT-3.1.2-29]); anywhere else it is a protocol violation. The CONNACK's
// response information reaches the Connected event.
#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
using codec::QoS;

/// A 5.0 session whose CONNECT asks for no problem information (or the default, when `ask`).
class ProblemInformation : public ::testing::Test {
 protected:
  void start(bool ask) {
    if (!ask) connect_properties_.add(PropertyId::RequestProblemInformation, 0);
    SessionConfig config = v5_config();
    config.connect_properties = connect_properties_.get();
    harness_.emplace(config);
    harness_->connect();
  }
  SessionHarness& h() { return *harness_; }

  /// Publishes a QoS 1 message and answers it with a PUBACK carrying `properties`.
  std::vector<Event> puback_with(codec::Properties properties) {
    h().publish("devices/x/t", "1", QoS::AtLeastOnce);
    auto sent = h().transmit();
    EXPECT_EQ(sent.size(), 1u);
    const auto id = std::get<codec::Publish>(sent.at(0).packet()).packet_id;
    h().receive(codec::Ack{PacketType::Puback, id, codec::reason::kSuccess, properties});
    return h().events();
  }

 private:
  PropertyBuffer connect_properties_;
  std::optional<SessionHarness> harness_;
};

TEST_F(ProblemInformation, TheConnectCarriesTheRequest) {
  PropertyBuffer props;
  props.add(PropertyId::RequestProblemInformation, 0).add(PropertyId::RequestResponseInformation, 1);
  SessionConfig config = v5_config();
  config.connect_properties = props.get();
  SessionHarness session(config);
  ASSERT_TRUE(session.session().start_connect(session.now()).ok());
  auto sent = session.transmit();
  ASSERT_EQ(sent.size(), 1u);
  const auto c = std::get<codec::Connect>(sent[0].packet());
  EXPECT_EQ(c.properties.number_or(PropertyId::RequestProblemInformation, 1), 0u);
  EXPECT_EQ(c.properties.number_or(PropertyId::RequestResponseInformation, 0), 1u);
}

TEST_F(ProblemInformation, ReasonStringOnPubackIsAViolationWhenNotRequested) {
  start(false);
  PropertyBuffer reason;
  reason.add(PropertyId::ReasonString, std::string_view{"fine"});
  auto evs = puback_with(reason.get());
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Disconnected);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_EQ(evs[0].violation, Violation::ProblemInformationNotRequested);
  EXPECT_EQ(h().session().stats().delivered, 0u);  // the PUBACK was not taken
}

TEST_F(ProblemInformation, UserPropertyOnSubackIsAViolationWhenNotRequested) {
  start(false);
  const codec::Subscription filters[] = {{"devices/x/#", QoS::AtLeastOnce}};
  ASSERT_TRUE(h().session().subscribe(filters, h().now()).ok());
  h().transmit();
  PropertyBuffer user;
  user.add_user("why", "because");
  const std::uint8_t codes[] = {1};
  h().receive(codec::Suback{1, codes, user.get()});
  auto evs = h().events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ProtocolViolation);
  EXPECT_EQ(evs[0].violation, Violation::ProblemInformationNotRequested);
}

TEST_F(ProblemInformation, ReasonStringOnPubrelIsAViolationWhenNotRequested) {
  start(false);
  h().receive(make_publish("devices/x/cmd", "on", QoS::ExactlyOnce, 5));
  h().events();
  h().transmit();  // PUBREC
  PropertyBuffer reason;
  reason.add(PropertyId::ReasonString, std::string_view{"released"});
  h().receive(codec::Ack{PacketType::Pubrel, 5, codec::reason::kSuccess, reason.get()});
  auto evs = h().events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].violation, Violation::ProblemInformationNotRequested);
}

TEST_F(ProblemInformation, PublishAndDisconnectMayStillCarryThem) {
  start(false);
  PropertyBuffer user;
  user.add_user("unit", "C");
  h().receive(make_publish("devices/x/t", "21", QoS::AtMostOnce, 0, user.get()));
  auto evs = h().events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Message);
  PropertyBuffer reason;
  reason.add(PropertyId::ReasonString, std::string_view{"shutting down"});
  h().receive(codec::Disconnect{codec::reason::kServerShuttingDown, reason.get()});
  evs = h().events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].reason, DisconnectReason::ServerDisconnected);
  EXPECT_EQ(evs[0].reason_string, "shutting down");
}

TEST_F(ProblemInformation, AcksWithoutThemAreFine) {
  start(false);
  PropertyBuffer none;
  auto evs = puback_with(none.get());
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
}

TEST_F(ProblemInformation, RequestedByDefaultSoAllowed) {
  start(true);
  PropertyBuffer reason;
  reason.add(PropertyId::ReasonString, std::string_view{"fine"}).add_user("a", "b");
  auto evs = puback_with(reason.get());
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].kind, Event::Kind::Delivered);
}

TEST(ResponseInformation, TheConnackCarriesItToTheConnectedEvent) {
  SessionHarness h(v5_config());
  PropertyBuffer info;
  info.add(PropertyId::ResponseInformation, std::string_view{"responses/esp32_0011223344"});
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, info.get()});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  ASSERT_EQ(evs[0].kind, Event::Kind::Connected);
  EXPECT_EQ(evs[0].response_information, "responses/esp32_0011223344");
}

TEST(ResponseInformation, EmptyWithoutIt) {
  SessionHarness h(v5_config());
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, {}});
  auto evs = h.events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(evs[0].response_information.empty());
}

}  // namespace
}  // namespace mqtt_setup::testing
