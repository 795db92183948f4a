// Network down: no attempts, and a live link is given up; network up: an attempt at once.
#include "driver_sim.hpp"

namespace mqtt_setup::testing {
namespace {

using Answer = ServerScript::Answer;

DriverConfig config() {
  DriverConfig c;
  c.retry = {2'000, 60'000, 50};
  c.server_count = 2;
  return c;
}

TEST(DriverNetwork, NoAttemptsWhileDownThenOneAtOnceWhenUp) {
  DriverSim sim(config(), DriverSim::session_config());
  for (auto& s : sim.servers) s.answer = Answer::Unreachable;
  sim.run_until(10'000);
  const std::size_t before = sim.attempts.size();
  ASSERT_GT(before, 2u);
  sim.network_changed(false);
  EXPECT_EQ(sim.driver().next_deadline(sim.now()), kNever) << "nothing to wake up for";
  sim.run_until(3'600'000);
  EXPECT_EQ(sim.attempts.size(), before);
  for (auto& s : sim.servers) s.answer = Answer::Accept;
  sim.network_changed(true);
  sim.run_until(3'600'000);
  ASSERT_EQ(sim.attempts.size(), before + 1);
  EXPECT_EQ(sim.attempts.back().at, 3'600'000u);
  EXPECT_EQ(sim.attempts.back().server, 0u);  // a new round, from the primary
  EXPECT_EQ(sim.driver().failed_rounds(), 0u);
  EXPECT_EQ(sim.driver().state(), DriverState::Connected);
}

TEST(DriverNetwork, DownWhileConnectedEndsTheLinkAndWaits) {
  DriverSim sim(config(), DriverSim::session_config());
  sim.run_until(60'000);
  ASSERT_EQ(sim.driver().state(), DriverState::Connected);
  sim.network_changed(false);
  ASSERT_EQ(sim.lost_at.size(), 1u);
  EXPECT_EQ(sim.disconnects.back().reason, DisconnectReason::TransportClosed);
  EXPECT_EQ(sim.driver().state(), DriverState::Waiting);
  sim.run_until(600'000);
  EXPECT_EQ(sim.attempts.size(), 1u);
  sim.network_changed(true);
  sim.run_until(600'000);
  EXPECT_EQ(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.connected_at.back(), 600'000u);
}

TEST(DriverNetwork, UpCutsAPendingBackoffShort) {
  DriverSim sim(config(), DriverSim::session_config());
  for (auto& s : sim.servers) s.answer = Answer::Unreachable;
  sim.run_until(100'000);  // deep into the backoff
  ASSERT_GT(sim.driver().next_deadline(sim.now()), sim.now());
  for (auto& s : sim.servers) s.answer = Answer::Accept;
  sim.network_changed(true);  // e.g. Wi-Fi got its address again
  sim.run_until(100'000);
  EXPECT_EQ(sim.attempts.back().at, 100'000u);
  EXPECT_EQ(sim.driver().state(), DriverState::Connected);
}

}  // namespace
}  // namespace mqtt_setup::testing
