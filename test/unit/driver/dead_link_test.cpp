// A dead link (nothing received) is found within 1.5 x keep-alive by the session; the driver
// passes the session's deadline through and reconnects. And an idle connected client wakes only
// for its deadlines.
#include <iostream>

#include "driver_sim.hpp"

namespace mqtt_setup::testing {
namespace {

using Answer = ServerScript::Answer;

DriverConfig config() {
  DriverConfig c;
  c.retry = {2'000, 60'000, 50};
  return c;
}

TEST(DriverDeadLink, FoundWithinOneAndAHalfKeepAlivesThenReconnected) {
  DriverSim sim(config(), DriverSim::session_config(10));  // keep-alive 10 s
  sim.run_until(25'000);
  ASSERT_EQ(sim.driver().state(), DriverState::Connected);
  sim.servers[0].answers_pings = false;  // the link dies silently: a blackhole
  const Millis last_heard = sim.last_received;
  sim.run_until(60'000);
  ASSERT_GE(sim.lost_at.size(), 1u);
  EXPECT_EQ(sim.disconnects.front().reason, DisconnectReason::KeepAliveTimeout);
  EXPECT_LE(sim.lost_at.front() - last_heard, 15'000u);
  EXPECT_GT(sim.lost_at.front(), last_heard);
  // Up for more than stable_connection_ms: reconnected at once (the broker still answers
  // CONNECT: the blackhole was the old link's).
  ASSERT_GE(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.attempts[1].at, sim.lost_at.front());
  EXPECT_EQ(sim.connected_at[1], sim.lost_at.front());
}

TEST(DriverDeadLink, ASilentBrokerOnConnectIsAFailedAttempt) {
  SessionConfig session = DriverSim::session_config();
  session.connect_timeout_ms = 4'000;
  DriverSim sim(config(), session);
  sim.servers[0].answer = Answer::Silent;
  sim.run_until(4'000);
  ASSERT_EQ(sim.outcomes.size(), 1u);
  EXPECT_EQ(sim.disconnects.front().reason, DisconnectReason::ConnectTimeout);
  EXPECT_EQ(sim.outcomes.front().kind, DriverOutcome::Kind::AttemptFailed);
}

TEST(DriverIdle, AnIdleConnectedClientWakesOnlyForItsKeepAlive) {
  DriverSim sim(config(), DriverSim::session_config(30));  // keep-alive 30 s
  sim.run_until(1'000);
  ASSERT_EQ(sim.driver().state(), DriverState::Connected);
  const int before = sim.wake_ups;
  sim.run_until(61'000);
  const int idle_wake_ups = sim.wake_ups - before;
  std::cout << "idle wake-ups in 60 s (keep-alive 30 s): " << idle_wake_ups << "\n";
  EXPECT_LE(idle_wake_ups, 5);
  EXPECT_GE(idle_wake_ups, 2) << "two PINGREQs are due in 60 s";
  EXPECT_EQ(sim.driver().state(), DriverState::Connected);
}

}  // namespace
}  // namespace mqtt_setup::testing
