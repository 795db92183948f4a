// 5.0 enhanced authentication in the session ([MQTT-4.12]): CONNECT with method and data, the
// AUTH 0x18 rounds, the CONNACK's final data, refusals, re-authentication (AUTH 0x19 .. AUTH
// 0x00) and every AUTH out of turn, on the simulated clock, byte-exact against the codec.
#include <string>

#include "v5_harness.hpp"

namespace mqtt_setup::testing {
namespace {

using codec::PacketType;
namespace reason = codec::reason;

/// A scripted method: start() -> "hello", challenge(x) -> "re:" + x, finish(x) accepts "ok".
class ScriptedAuthenticator : public Authenticator {
 public:
  std::string_view method() const override { return "TEST-1"; }
  Result<codec::Bytes, AuthError> start() override {
    ++starts;
    if (fail_start) return AuthError::RandomFailed;
    out_ = "hello";
    return codec::as_bytes(out_);
  }
  Result<codec::Bytes, AuthError> challenge(codec::Bytes server_data) override {
    challenges.emplace_back(codec::as_text(server_data));
    if (codec::as_text(server_data) == "garbage") return AuthError::MalformedChallenge;
    out_ = "re:" + std::string(codec::as_text(server_data));
    return codec::as_bytes(out_);
  }
  Result<void, AuthError> finish(codec::Bytes server_data) override {
    finishes.emplace_back(codec::as_text(server_data));
    if (codec::as_text(server_data) != "ok") return AuthError::ServerNotVerified;
    return {};
  }

  int starts = 0;
  bool fail_start = false;
  std::vector<std::string> challenges;
  std::vector<std::string> finishes;

 private:
  std::string out_;
};

SessionConfig auth_config(Authenticator& a) {
  SessionConfig c = v5_config();
  c.authenticator = &a;
  return c;
}

/// Method (and data when given) as the server sends them.
struct AuthProps {
  explicit AuthProps(std::string_view data, std::string_view method = "TEST-1") {
    buffer.add(PropertyId::AuthenticationMethod, method);
    if (!data.empty()) buffer.add(PropertyId::AuthenticationData, codec::as_bytes(data));
  }
  codec::Properties get() const { return buffer.get(); }
  PropertyBuffer buffer;
};

std::string data_of(const codec::Properties& p) {
  auto d = p.find(PropertyId::AuthenticationData);
  return d ? std::string(codec::as_text(d->binary)) : std::string{};
}


Event only_event(SessionHarness& h) {
  auto evs = h.events();
  EXPECT_EQ(evs.size(), 1u);
  return evs.empty() ? Event{} : evs.back();
}

/// CONNECT with the method, one 0x18 round, CONNACK with "ok": connected.
void connect_with_one_round(SessionHarness& h) {
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  ASSERT_EQ(h.transmit().size(), 1u);
  AuthProps challenge{"c1"};
  h.receive(codec::Auth{reason::kContinueAuthentication, challenge.get()});
  EXPECT_TRUE(h.events().empty());
  ASSERT_EQ(h.transmit().size(), 1u);
  AuthProps final_data{"ok"};
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, final_data.get()});
  ASSERT_EQ(only_event(h).kind, Event::Kind::Connected);
}

TEST(SessionV5Auth, ConnectCarriesMethodAndInitialDataAfterTheConfiguredProperties) {
  ScriptedAuthenticator a;
  PropertyBuffer configured;
  configured.add(PropertyId::SessionExpiryInterval, 60);
  SessionConfig config = auth_config(a);
  config.connect_properties = configured.get();
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);

  PropertyBuffer expected_props;
  expected_props.add(PropertyId::SessionExpiryInterval, 60)
      .add(PropertyId::AuthenticationMethod, std::string_view{"TEST-1"})
      .add(PropertyId::AuthenticationData, codec::as_bytes("hello"));
  codec::Connect expected;
  expected.version = codec::ProtocolVersion::V5;
  expected.client_id = "esp32_0011223344";
  expected.keep_alive_s = 10;
  expected.properties = expected_props.get();
  EXPECT_EQ(sent[0].bytes, v5_bytes(expected));
  EXPECT_EQ(a.starts, 1);
}

TEST(SessionV5Auth, ChallengesAreAnsweredAndTheConnackDataIsChecked) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  for (std::string_view round : {"c1", "c2"}) {  // [MQTT-4.12.0-2], [MQTT-4.12.0-3]
    AuthProps challenge{round};
    h.receive(codec::Auth{reason::kContinueAuthentication, challenge.get()});
    EXPECT_TRUE(h.events().empty());
    EXPECT_EQ(h.session().next_deadline(h.now()), h.now());  // the answer is due now
    auto sent = h.transmit();
    ASSERT_EQ(sent.size(), 1u);
    AuthProps answer{"re:" + std::string(round)};
    EXPECT_EQ(sent[0].bytes, v5_bytes(codec::Auth{reason::kContinueAuthentication, answer.get()}));
  }
  EXPECT_EQ(h.session().state(), SessionState::Connecting);
  AuthProps final_data{"ok"};
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, final_data.get()});
  EXPECT_EQ(only_event(h).kind, Event::Kind::Connected);
  EXPECT_EQ(a.challenges, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(a.finishes, (std::vector<std::string>{"ok"}));
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionV5Auth, AConnackWhoseDataFailsTheCheckEndsTheConnection) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  AuthProps forged{"forged"};  // SCRAM: a server signature that does not match
  h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, forged.get()});
  const Event ev = only_event(h);
  EXPECT_EQ(ev.kind, Event::Kind::Disconnected);
  EXPECT_EQ(ev.reason, DisconnectReason::AuthenticationFailed);
  EXPECT_EQ(ev.auth_error, AuthError::ServerNotVerified);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
  EXPECT_EQ(h.session().stats().connects, 0u);
  EXPECT_NE(describe(ev.auth_error).find("server signature"), std::string_view::npos);
}

TEST(SessionV5Auth, AMalformedChallengeEndsTheConnection) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  AuthProps garbage{"garbage"};
  h.receive(codec::Auth{reason::kContinueAuthentication, garbage.get()});
  const Event ev = only_event(h);
  EXPECT_EQ(ev.reason, DisconnectReason::AuthenticationFailed);
  EXPECT_EQ(ev.auth_error, AuthError::MalformedChallenge);
  EXPECT_TRUE(h.transmit().empty());
}

TEST(SessionV5Auth, RefusingConnacksAreRefusals) {
  for (std::uint8_t code : {reason::kBadAuthenticationMethod, reason::kNotAuthorized,
                            reason::kBadUserNameOrPassword}) {
    ScriptedAuthenticator a;
    SessionHarness h(auth_config(a));
    ASSERT_TRUE(h.session().start_connect(h.now()).ok());
    h.transmit();
    h.receive(codec::Connack{false, static_cast<codec::ConnectReturnCode>(code), {}});
    const Event ev = only_event(h);
    EXPECT_EQ(ev.reason, DisconnectReason::Refused);
    EXPECT_EQ(ev.reason_code, code);
    EXPECT_TRUE(a.finishes.empty());  // a refusal is not checked, it is reported
  }
}

TEST(SessionV5Auth, ConnackWithoutOurMethodIsAProtocolViolation) {
  for (std::string_view method : {"", "OTHER"}) {  // [MQTT-4.12.0-5]
    ScriptedAuthenticator a;
    SessionHarness h(auth_config(a));
    ASSERT_TRUE(h.session().start_connect(h.now()).ok());
    h.transmit();
    PropertyBuffer props;
    if (!method.empty()) props.add(PropertyId::AuthenticationMethod, method);
    h.receive(codec::Connack{false, codec::ConnectReturnCode::Accepted, props.get()});
    const Event ev = only_event(h);
    EXPECT_EQ(ev.reason, DisconnectReason::ProtocolViolation);
    EXPECT_EQ(ev.violation, Violation::AuthMethodMismatch);
  }
}

TEST(SessionV5Auth, AuthOutOfTurnIsAProtocolViolation) {
  struct Case {
    const char* what;
    bool with_authenticator;
    bool connected;
    std::uint8_t code;
    std::string_view method;
    Violation expected;
  };
  const Case cases[] = {
      {"AUTH to a client that named no method", false, false, reason::kContinueAuthentication,
       "TEST-1", Violation::AuthOutOfTurn},
      {"AUTH while connected, no re-authentication", true, true, reason::kContinueAuthentication,
       "TEST-1", Violation::AuthOutOfTurn},
      {"AUTH 0x00 during CONNECT (CONNACK ends it)", true, false, reason::kSuccess, "TEST-1",
       Violation::AuthOutOfTurn},
      {"AUTH 0x19 from the server", true, false, reason::kReauthenticate, "TEST-1",
       Violation::AuthOutOfTurn},
      {"AUTH of another method", true, false, reason::kContinueAuthentication, "OTHER",
       Violation::AuthMethodMismatch},
  };
  for (const Case& c : cases) {
    // `<< c.what` rather than SCOPED_TRACE: the target's GoogleTest shim has no SCOPED_TRACE.
    ScriptedAuthenticator a;
    SessionHarness h(c.with_authenticator ? auth_config(a) : v5_config());
    if (c.connected) {
      connect_with_one_round(h);
    } else {
      ASSERT_TRUE(h.session().start_connect(h.now()).ok()) << c.what;
      h.transmit();
    }
    AuthProps props{"x", c.method};
    h.receive(codec::Auth{c.code, props.get()});
    const Event ev = only_event(h);
    EXPECT_EQ(ev.reason, DisconnectReason::ProtocolViolation) << c.what;
    EXPECT_EQ(ev.violation, c.expected) << c.what;
    EXPECT_EQ(h.session().state(), SessionState::Disconnected) << c.what;
  }
}

TEST(SessionV5Auth, ReauthenticationRoundTrip) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  connect_with_one_round(h);
  h.advance(5000);  // some time later, on demand ([MQTT-4.12.1-1])
  ASSERT_TRUE(h.session().reauthenticate(h.now()).ok());
  EXPECT_EQ(a.starts, 2);
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  AuthProps first{"hello"};
  EXPECT_EQ(sent[0].bytes, v5_bytes(codec::Auth{reason::kReauthenticate, first.get()}));
  // A second request while one is going on is refused.
  ASSERT_FALSE(h.session().reauthenticate(h.now()).ok());
  EXPECT_EQ(h.session().reauthenticate(h.now()).error(), SessionError::Busy);

  // Messages keep flowing during the exchange.
  h.publish("devices/x/a", "1", codec::QoS::AtLeastOnce);
  AuthProps challenge{"c9"};
  h.receive(codec::Auth{reason::kContinueAuthentication, challenge.get()});
  EXPECT_TRUE(h.events().empty());
  sent = h.transmit();
  ASSERT_EQ(sent.size(), 2u);
  AuthProps answer{"re:c9"};
  EXPECT_EQ(sent[0].bytes, v5_bytes(codec::Auth{reason::kContinueAuthentication, answer.get()}));
  EXPECT_EQ(sent[1].type, PacketType::Publish);

  AuthProps done{"ok"};
  h.receive(codec::Auth{reason::kSuccess, done.get()});
  EXPECT_EQ(only_event(h).kind, Event::Kind::Reauthenticated);
  EXPECT_TRUE(h.session().connected());
  EXPECT_EQ(a.finishes, (std::vector<std::string>{"ok", "ok"}));
  // Over: another AUTH now is out of turn; a new re-authentication may start.
  ASSERT_TRUE(h.session().reauthenticate(h.now()).ok());
}

TEST(SessionV5Auth, ReauthenticationWhoseFinalDataFailsEndsTheConnection) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  connect_with_one_round(h);
  ASSERT_TRUE(h.session().reauthenticate(h.now()).ok());
  h.transmit();
  AuthProps forged{"forged"};
  h.receive(codec::Auth{reason::kSuccess, forged.get()});
  const Event ev = only_event(h);
  EXPECT_EQ(ev.reason, DisconnectReason::AuthenticationFailed);
  EXPECT_EQ(ev.auth_error, AuthError::ServerNotVerified);
}

TEST(SessionV5Auth, ReauthenticationRefusedByTheServerIsItsDisconnect) {
  ScriptedAuthenticator a;
  SessionHarness h(auth_config(a));
  connect_with_one_round(h);
  ASSERT_TRUE(h.session().reauthenticate(h.now()).ok());
  h.transmit();
  h.receive(codec::Disconnect{reason::kNotAuthorized, {}});  // [MQTT-4.12.1-2]
  const Event ev = only_event(h);
  EXPECT_EQ(ev.reason, DisconnectReason::ServerDisconnected);
  EXPECT_EQ(ev.reason_code, reason::kNotAuthorized);
  // The next connection starts a fresh exchange from CONNECT.
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  auto sent = h.transmit();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(data_of(std::get<codec::Connect>(sent[0].packet()).properties), "hello");
  EXPECT_EQ(a.starts, 3);
}

TEST(SessionV5Auth, ReauthenticateNeedsAnAuthenticatorAConnectionAndVersion5) {
  ScriptedAuthenticator a;
  {
    SessionHarness h(v5_config());
    h.connect();
    EXPECT_EQ(h.session().reauthenticate(h.now()).error(),
              SessionError::AuthenticationUnavailable);
  }
  {
    SessionHarness h(auth_config(a));
    EXPECT_EQ(h.session().reauthenticate(h.now()).error(), SessionError::NotConnected);
  }
  if (codec::kBuiltV311) {
    SessionConfig config = SessionHarness::default_config();  // 3.1.1
    config.authenticator = &a;
    SessionHarness h(config);
    EXPECT_EQ(h.session().start_connect(h.now()).error(),
              SessionError::AuthenticationUnavailable);
  }
}

TEST(SessionV5Auth, AnAuthenticatorThatCannotStartSendsNothing) {
  ScriptedAuthenticator a;
  a.fail_start = true;
  SessionHarness h(auth_config(a));
  EXPECT_EQ(h.session().start_connect(h.now()).error(), SessionError::AuthenticatorFailed);
  EXPECT_EQ(h.session().state(), SessionState::Disconnected);
  EXPECT_TRUE(h.transmit().empty());

  a.fail_start = false;
  connect_with_one_round(h);
  a.fail_start = true;
  EXPECT_EQ(h.session().reauthenticate(h.now()).error(), SessionError::AuthenticatorFailed);
  EXPECT_TRUE(h.transmit().empty());
  EXPECT_TRUE(h.session().connected());
}

TEST(SessionV5Auth, TheExchangeIsBoundByTheConnectTimeout) {
  ScriptedAuthenticator a;
  SessionConfig config = auth_config(a);
  config.connect_timeout_ms = 3000;
  SessionHarness h(config);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  h.transmit();
  AuthProps challenge{"c1"};
  h.receive(codec::Auth{reason::kContinueAuthentication, challenge.get()});
  h.events();
  h.transmit();
  // The server goes quiet mid-exchange: the connect deadline still holds.
  EXPECT_EQ(h.session().next_deadline(h.now()), h.now() + 3000);
  ASSERT_TRUE(h.run_until_deadline(3000));
  EXPECT_EQ(only_event(h).reason, DisconnectReason::ConnectTimeout);
}

TEST(SessionV5Auth, AnAuthThatCanNeverFitFailsInsteadOfSpinning) {
  ScriptedAuthenticator a;
  // A transmit buffer that holds CONNECT but not the answer to a long challenge.
  SessionHarness h(auth_config(a), 64 * 1024, 4096, 80);
  ASSERT_TRUE(h.session().start_connect(h.now()).ok());
  ASSERT_EQ(h.transmit().size(), 1u);
  const std::string long_challenge(100, 'c');
  AuthProps challenge{long_challenge};
  h.receive(codec::Auth{reason::kContinueAuthentication, challenge.get()});
  EXPECT_TRUE(h.events().empty());
  EXPECT_TRUE(h.transmit().empty());
  const Event ev = only_event(h);
  EXPECT_EQ(ev.reason, DisconnectReason::AuthenticationFailed);
  EXPECT_EQ(ev.auth_error, AuthError::TooLarge);
}

}  // namespace
}  // namespace mqtt_setup::testing
