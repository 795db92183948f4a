// Options::auth_method / Options::authenticator: what setup_connection() refuses before any
// attempt, and how an authentication failure reads in last_error().
#include <gtest/gtest.h>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {
namespace {

void expect_refused_before_any_attempt(Options o) {
  o.client_id = "auth_options";
  o.log = [](LogLevel, std::string_view) {};
  // Port 1 on loopback: an attempt would fail with "connection refused", not with this error.
  MQTTSetup mqtt{"127.0.0.1:1", 0, "user", "pencil", o};
  mqtt.setup_connection();
  EXPECT_EQ(mqtt.stats().connect_attempts, 0u);
  EXPECT_EQ(mqtt.last_error().kind, Error::Kind::InvalidArgument);
  EXPECT_EQ(mqtt.last_error().session, SessionError::AuthenticationUnavailable);
  EXPECT_NE(mqtt.last_error().message().find("authenticator"), std::string::npos);
}

TEST(AuthOptions, AnUnknownMethodIsRefusedBeforeAnyAttempt) {
  Options o;
  o.auth_method = "KERBEROS";  // not one we make: give an Options::authenticator for it
  expect_refused_before_any_attempt(o);
}

TEST(AuthOptions, ScramWithMqtt311IsRefusedBeforeAnyAttempt) {
  if (!codec::is_built(codec::ProtocolVersion::V311)) GTEST_SKIP() << "no 3.1.1 in this build";
  Options o;
  o.protocol = Protocol::V311;
  o.auth_method = "SCRAM-SHA-256";  // 5.0's AUTH exchange cannot be spoken in 3.1.1
  expect_refused_before_any_attempt(o);
}

TEST(AuthOptions, ReauthenticateWithoutAMethodSaysSo) {
  Options o;
  o.client_id = "auth_options";
  o.log = [](LogLevel, std::string_view) {};
  o.background = false;
  MQTTSetup mqtt{"127.0.0.1:1", 0, std::nullopt, std::nullopt, o};
  auto r = mqtt.reauthenticate();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().session, SessionError::AuthenticationUnavailable);
}

TEST(AuthOptions, AFailedServerProofReadsAsAnAuthenticationFailure) {
  Event ev;
  ev.kind = Event::Kind::Disconnected;
  ev.reason = DisconnectReason::AuthenticationFailed;
  ev.auth_error = AuthError::ServerNotVerified;
  const Error e = Error::from_disconnect(ev);
  EXPECT_EQ(e.kind, Error::Kind::Refused);
  EXPECT_EQ(e.auth, AuthError::ServerNotVerified);
  EXPECT_EQ(e.message(),
            "authentication failed: the broker did not prove it knows the password (server "
            "signature mismatch): check the broker's credentials store, or you may be talking "
            "to another broker");
}

}  // namespace
}  // namespace mqtt_setup
