// The reconnect schedule on a simulated clock: first delay, doubling, cap, jitter bounds; a
// stable link's loss retried at once, a flapping one backing off.
#include "driver_sim.hpp"

namespace mqtt_setup::testing {
namespace {

using Answer = ServerScript::Answer;

DriverConfig one_server(BackoffPolicy retry) {
  DriverConfig c;
  c.retry = retry;
  c.server_count = 1;
  return c;
}

std::vector<Millis> gaps(const std::vector<DriverSim::Attempt>& attempts) {
  std::vector<Millis> out;
  for (std::size_t i = 1; i < attempts.size(); ++i) out.push_back(attempts[i].at - attempts[i - 1].at);
  return out;
}

TEST(DriverSchedule, FirstDelayThenDoublingUpToTheCapWithoutJitter) {
  DriverSim sim(one_server({1'000, 8'000, 0}), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(40'000);
  // Attempts at 0, 1, 3, 7, 15, 23, 31, 39 s.
  const std::vector<Millis> expected = {1'000, 2'000, 4'000, 8'000, 8'000, 8'000, 8'000};
  EXPECT_EQ(gaps(sim.attempts), expected);
  EXPECT_EQ(sim.attempts.front().at, 0u);  // the first attempt does not wait
  ASSERT_FALSE(sim.outcomes.empty());
  EXPECT_EQ(sim.outcomes.front().retry_in_ms, 1'000u);
  EXPECT_EQ(sim.outcomes.front().kind, DriverOutcome::Kind::AttemptFailed);
}

TEST(DriverSchedule, JitterKeepsEveryDelayWithinItsBoundsAndVaries) {
  std::vector<Millis> first_gaps;
  for (std::uint32_t seed = 1; seed <= 50; ++seed) {
    DriverSim sim(one_server({2'000, 60'000, 50}), DriverSim::session_config(), seed);
    sim.servers[0].answer = Answer::Unreachable;
    sim.run_until(600'000);
    const auto g = gaps(sim.attempts);
    ASSERT_GE(g.size(), 8u);
    for (std::size_t k = 0; k < g.size(); ++k) {
      const Millis nominal = std::min<Millis>(60'000, Millis{2'000} << std::min<std::size_t>(k, 20));
      EXPECT_LE(g[k], nominal) << "seed " << seed << " retry " << k;
      EXPECT_GE(g[k], nominal / 2) << "seed " << seed << " retry " << k;
    }
    first_gaps.push_back(g[0]);
  }
  std::sort(first_gaps.begin(), first_gaps.end());
  EXPECT_LT(first_gaps.front() + 200, first_gaps.back()) << "jitter spreads a fleet";
}

TEST(DriverSchedule, StableLinkLostIsRetriedAtOnceAndResetsTheBackoff) {
  DriverSim sim(one_server({1'000, 8'000, 0}), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(3'500);  // attempts at 0, 1, 3 s: two rounds failed
  EXPECT_EQ(sim.driver().failed_rounds(), 3u);
  sim.servers[0].answer = Answer::Accept;
  sim.run_until(7'000);  // 7 s: connected
  ASSERT_EQ(sim.connected_at.size(), 1u);
  sim.run_until(20'000);  // 13 s up: stable
  sim.reset_link();
  ASSERT_EQ(sim.lost_at.size(), 1u);
  EXPECT_EQ(sim.outcomes.back().kind, DriverOutcome::Kind::ConnectionLost);
  EXPECT_EQ(sim.outcomes.back().retry_in_ms, 0u);
  EXPECT_EQ(sim.driver().failed_rounds(), 0u);
  sim.run_until(20'000);
  EXPECT_EQ(sim.attempts.back().at, 20'000u);
  EXPECT_EQ(sim.connected_at.size(), 2u);
}

TEST(DriverSchedule, FlappingLinkBacksOffLikeFailedAttempts) {
  DriverSim sim(one_server({1'000, 8'000, 0}), DriverSim::session_config());
  for (int i = 0; i < 5; ++i) {
    sim.run_for(100);  // (re)connects, then the link breaks after a moment
    ASSERT_EQ(sim.driver().state(), DriverState::Connected);
    sim.reset_link();
    const Millis nominal = std::min<Millis>(8'000, Millis{1'000} << i);
    EXPECT_EQ(sim.outcomes.back().retry_in_ms, nominal) << "loss " << i;
    sim.run_for(nominal - 1);
    EXPECT_EQ(sim.driver().state(), DriverState::Waiting) << "loss " << i;
  }
}

TEST(DriverSchedule, ARestartReconnectsAfterThePauseTheCallerChose) {
  DriverSim sim(one_server({1'000, 8'000, 0}), DriverSim::session_config());
  sim.run_until(1'000);
  ASSERT_EQ(sim.driver().state(), DriverState::Connected);
  sim.session().disconnect(sim.now());  // commands/restart, without stop()
  sim.run_until(1'000);
  ASSERT_EQ(sim.disconnects.back().reason, DisconnectReason::Requested);
  EXPECT_EQ(sim.outcomes.back().kind, DriverOutcome::Kind::Requested);
  // The simulation reconnected at once; a caller wanting a pause defers before asking.
  EXPECT_EQ(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.attempts.back().at, 1'000u);
}

TEST(DriverSchedule, DeferredAttemptsWaitAndConnectDueDoesNotTakeOne) {
  Session session(DriverSim::session_config(), {});
  TestRandom random;
  Driver driver(one_server({1'000, 8'000, 0}), session, RandomSource{&TestRandom::next, &random});
  driver.defer_attempt_until(5'000);  // a fleet's start window
  EXPECT_FALSE(driver.connect_due(4'999));
  EXPECT_FALSE(driver.poll_connect(4'999));
  EXPECT_EQ(driver.next_deadline(0), 5'000u);
  EXPECT_TRUE(driver.connect_due(5'000));
  EXPECT_TRUE(driver.connect_due(5'000));  // asking twice takes nothing
  EXPECT_EQ(driver.attempts(), 0u);
  EXPECT_EQ(driver.poll_connect(5'000), std::optional<std::size_t>{0});
  EXPECT_FALSE(driver.connect_due(5'000));
  driver.defer_attempt_until(9'000);  // not while opening: nothing to defer
  const DriverOutcome failed = driver.handle_transport_failed(false, 6'000);
  EXPECT_EQ(driver.next_deadline(6'000), 6'000 + failed.retry_in_ms);
}

}  // namespace
}  // namespace mqtt_setup::testing
