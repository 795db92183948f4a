// Refusals: the ones retrying cannot change wait the cap; 5.0 -> 3.1.1 costs no attempt.
#include "driver_sim.hpp"
#include "support/needs_v5.hpp"

namespace mqtt_setup::testing {
namespace {

using Answer = ServerScript::Answer;

DriverConfig config(std::size_t count = 1) {
  DriverConfig c;
  c.retry = {1'000, 30'000, 50};
  c.server_count = count;
  return c;
}

SessionConfig v5() {
  SessionConfig c = DriverSim::session_config();
  c.version = codec::ProtocolVersion::V5;
  return c;
}

TEST(DriverRefusal, BadCredentialsWaitTheCapBetweenAttempts) {
  DriverSim sim(config(), DriverSim::session_config());
  sim.servers[0].answer = Answer::Refuse;
  sim.servers[0].code = static_cast<std::uint8_t>(codec::ConnectReturnCode::BadUsernameOrPassword);
  sim.run_until(100'000);
  ASSERT_EQ(sim.attempts.size(), 4u);
  for (std::size_t i = 0; i < sim.attempts.size(); ++i) EXPECT_EQ(sim.attempts[i].at, i * 30'000);
  EXPECT_TRUE(sim.driver().permanent_failure());
  EXPECT_TRUE(sim.outcomes.front().permanent);
  EXPECT_EQ(sim.outcomes.front().retry_in_ms, 30'000u);
}

TEST(DriverRefusal, EveryPermanentRefusalWaitsTheCapAndOthersDoNot) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  for (int code : {0x86, 0x87, 0x85, 0x84, 0x8A, 0x8C}) {  // 5.0 reason codes
    DriverSim sim(config(), v5());
    sim.servers[0].answer = Answer::Refuse;
    sim.servers[0].code = static_cast<std::uint8_t>(code);
    sim.run_until(1);
    ASSERT_EQ(sim.outcomes.size(), 1u) << code;
    EXPECT_TRUE(sim.outcomes[0].permanent) << code;
    EXPECT_EQ(sim.outcomes[0].retry_in_ms, 30'000u) << code;
  }
  for (int code : {0x88, 0x89, 0x97}) {  // unavailable, busy, quota: may pass
    DriverSim sim(config(), v5());
    sim.servers[0].answer = Answer::Refuse;
    sim.servers[0].code = static_cast<std::uint8_t>(code);
    sim.run_until(1);
    ASSERT_EQ(sim.outcomes.size(), 1u) << code;
    EXPECT_FALSE(sim.outcomes[0].permanent) << code;
    EXPECT_LE(sim.outcomes[0].retry_in_ms, 1'000u) << code;
  }
}

TEST(DriverRefusal, AnUntrustedCertificateWaitsTheCapOnTheSameServer) {
  DriverSim sim(config(2), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.servers[0].permanent = true;
  sim.run_until(30'000);
  ASSERT_EQ(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.attempts[1].server, 0u);
  EXPECT_EQ(sim.attempts[1].at, 30'000u);
}

TEST(DriverRefusal, ACONNACKClearsAPermanentFailure) {
  DriverSim sim(config(), DriverSim::session_config());
  sim.servers[0].answer = Answer::Refuse;
  sim.servers[0].code = static_cast<std::uint8_t>(codec::ConnectReturnCode::NotAuthorized);
  sim.run_until(1);
  EXPECT_TRUE(sim.driver().permanent_failure());
  sim.servers[0].answer = Answer::Accept;  // the broker's configuration changed
  sim.run_until(30'000);
  EXPECT_FALSE(sim.driver().permanent_failure());
  EXPECT_EQ(sim.driver().state(), DriverState::Connected);
}

TEST(DriverRefusal, FallbackTo311RetriesAtOnceWithoutUsingAnAttempt) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DriverConfig c = config();
  c.allow_fallback_to_311 = true;
  DriverSim sim(c, v5());
  sim.servers[0].answer = Answer::Speaks311;
  sim.run_until(1);
  ASSERT_EQ(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.attempts[0].version, codec::ProtocolVersion::V5);
  EXPECT_EQ(sim.attempts[1].version, codec::ProtocolVersion::V311);
  EXPECT_EQ(sim.attempts[1].at, 0u);
  EXPECT_EQ(sim.attempts[1].server, 0u);
  EXPECT_EQ(sim.outcomes.front().kind, DriverOutcome::Kind::FellBackTo311);
  EXPECT_EQ(sim.driver().attempts(), 1u);
  EXPECT_EQ(sim.driver().failed_rounds(), 0u);
  EXPECT_EQ(sim.driver().state(), DriverState::Connected);
}

TEST(DriverRefusal, WithoutFallbackA311BrokerIsAPermanentRefusal) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DriverSim sim(config(), v5());
  sim.servers[0].answer = Answer::Speaks311;
  sim.run_until(1);
  ASSERT_EQ(sim.attempts.size(), 1u);
  EXPECT_TRUE(sim.outcomes.front().permanent);
  EXPECT_EQ(sim.session().version(), codec::ProtocolVersion::V5);
}

/// An authenticator whose check of the server's final data always fails (a broker that cannot
/// prove it knows the password).
class DistrustingAuthenticator : public Authenticator {
 public:
  std::string_view method() const override { return "TEST-1"; }
  Result<codec::Bytes, AuthError> start() override { return codec::Bytes{}; }
  Result<codec::Bytes, AuthError> challenge(codec::Bytes) override { return codec::Bytes{}; }
  Result<void, AuthError> finish(codec::Bytes) override { return AuthError::ServerNotVerified; }
};

TEST(DriverRefusal, AServerThatFailsOurAuthenticationCheckWaitsTheCap) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DistrustingAuthenticator auth;
  SessionConfig s = v5();
  s.authenticator = &auth;
  DriverSim sim(config(), s);
  sim.servers[0].auth_method = "TEST-1";
  sim.run_until(100'000);
  ASSERT_EQ(sim.attempts.size(), 4u);  // 0, 30 s, 60 s, 90 s: no tight retry loop
  EXPECT_EQ(sim.attempts[1].at, 30'000u);
  ASSERT_FALSE(sim.disconnects.empty());
  EXPECT_EQ(sim.disconnects.front().reason, DisconnectReason::AuthenticationFailed);
  EXPECT_TRUE(sim.outcomes.front().permanent);
  EXPECT_TRUE(sim.driver().permanent_failure());
}

TEST(DriverRefusal, WithAnAuthenticatorA311BrokerIsNotFallenBackTo) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DistrustingAuthenticator auth;
  SessionConfig s = v5();
  s.authenticator = &auth;
  DriverConfig c = config();
  c.allow_fallback_to_311 = true;
  DriverSim sim(c, s);
  sim.servers[0].answer = Answer::Speaks311;
  sim.run_until(1);
  ASSERT_EQ(sim.attempts.size(), 1u);  // a 3.1.1 CONNECT would go without the authentication
  EXPECT_TRUE(sim.outcomes.front().permanent);
  EXPECT_EQ(sim.session().version(), codec::ProtocolVersion::V5);
}

}  // namespace
}  // namespace mqtt_setup::testing
