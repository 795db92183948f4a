// Failover across the server list, and the way back to the primary.
#include "driver_sim.hpp"
#include "support/needs_v5.hpp"

namespace mqtt_setup::testing {
namespace {

using Answer = ServerScript::Answer;

DriverConfig servers(std::size_t count, Millis primary_return_ms = 0) {
  DriverConfig c;
  c.retry = {1'000, 8'000, 0};
  c.server_count = count;
  c.primary_return_ms = primary_return_ms;
  return c;
}

std::vector<std::size_t> order(const std::vector<DriverSim::Attempt>& attempts) {
  std::vector<std::size_t> out;
  for (const auto& a : attempts) out.push_back(a.server);
  return out;
}

TEST(DriverFailover, TriesTheListInOrderAtOnceThenBacksOffPerRound) {
  DriverSim sim(servers(3), DriverSim::session_config());
  for (auto& s : sim.servers) s.answer = Answer::Unreachable;
  sim.run_until(3'500);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0, 1, 2}));
  const std::vector<Millis> at = {0, 0, 0, 1'000, 1'000, 1'000, 3'000, 3'000, 3'000};
  for (std::size_t i = 0; i < at.size(); ++i) EXPECT_EQ(sim.attempts[i].at, at[i]) << i;
}

TEST(DriverFailover, ASilentServerCostsTheConnectTimeoutThenTheNextIsTried) {
  SessionConfig session = DriverSim::session_config();
  session.connect_timeout_ms = 5'000;
  DriverSim sim(servers(2), session);
  sim.servers[0].answer = Answer::Silent;
  sim.run_until(10'000);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(sim.attempts[1].at, 5'000u);
  EXPECT_EQ(sim.connected_server, 1u);
}

TEST(DriverFailover, ALostLinkReconnectsFromThePrimary) {
  DriverSim sim(servers(3), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(1'000);
  ASSERT_EQ(sim.connected_server, 1u);
  sim.servers[0].answer = Answer::Accept;  // the primary is back
  sim.run_until(20'000);
  sim.reset_link();  // the secondary's link breaks
  sim.run_until(20'000);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1, 0}));
  EXPECT_EQ(sim.connected_server, 0u);
}

TEST(DriverFailover, StaysOnTheSecondaryWithoutAReturnInterval) {
  DriverSim sim(servers(2), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(1'000);
  sim.servers[0].answer = Answer::Accept;
  sim.run_until(3'600'000);
  EXPECT_EQ(sim.attempts.size(), 2u);
  EXPECT_EQ(sim.connected_server, 1u);
}

TEST(DriverFailover, ReturnsToThePrimaryAfterTheReturnInterval) {
  DriverSim sim(servers(2, 300'000), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(1'000);
  ASSERT_EQ(sim.connected_server, 1u);
  sim.servers[0].answer = Answer::Accept;  // back after a minute
  sim.run_until(299'999);
  EXPECT_EQ(sim.connected_server, 1u);
  sim.run_until(300'000);
  EXPECT_EQ(sim.connected_server, 0u);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1, 0}));
  EXPECT_EQ(sim.attempts.back().at, 300'000u);
  ASSERT_FALSE(sim.disconnects.empty());
  EXPECT_EQ(sim.disconnects.back().reason, DisconnectReason::Requested);  // a clean DISCONNECT
  sim.run_until(3'600'000);  // and it stays there
  EXPECT_EQ(sim.attempts.size(), 3u);
}

TEST(DriverFailover, APrimaryStillDownSendsItBackToTheSecondaryAtOnce) {
  DriverSim sim(servers(2, 300'000), DriverSim::session_config());
  sim.servers[0].answer = Answer::Unreachable;
  sim.run_until(300'000);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1, 0, 1}));
  EXPECT_EQ(sim.attempts[2].at, 300'000u);
  EXPECT_EQ(sim.attempts[3].at, 300'000u);  // no backoff: the round is not over
  EXPECT_EQ(sim.connected_server, 1u);
  sim.run_until(600'000);  // and tries again one interval later
  EXPECT_EQ(sim.attempts.size(), 6u);
}

TEST(DriverFailover, AnAsynchronousOpenWaitsForTheCallersAnswer) {
  // An event loop with non-blocking connects (the fleet): while the transport opens, nothing is
  // due until the caller answers; then the schedule goes on from the answer's time.
  DriverConfig config = servers(2);
  Session session(DriverSim::session_config(), {});
  TestRandom random;
  Driver driver(config, session, RandomSource{&TestRandom::next, &random});
  ASSERT_EQ(driver.poll_connect(0), std::optional<std::size_t>{0});
  EXPECT_EQ(driver.next_deadline(0), kNever);
  EXPECT_FALSE(driver.poll_connect(5'000));  // one attempt at a time
  const DriverOutcome outcome = driver.handle_transport_failed(false, 10'000);  // timed out
  EXPECT_EQ(outcome.retry_in_ms, 0u);  // the next server, at once
  EXPECT_EQ(driver.poll_connect(10'000), std::optional<std::size_t>{1});
}

TEST(DriverFailover, AServerReferenceIsFollowedAtOnce) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DriverConfig config = servers(3);
  DriverSim sim(config, [] {
    SessionConfig c = DriverSim::session_config();
    c.version = codec::ProtocolVersion::V5;
    return c;
  }());
  sim.servers[0].answer = Answer::Refer;
  sim.servers[0].reference = "s2";
  sim.run_until(100);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(sim.attempts[1].at, 0u);
  EXPECT_EQ(sim.connected_server, 2u);
  ASSERT_FALSE(sim.outcomes.empty());
  EXPECT_TRUE(sim.outcomes.front().referred);
  EXPECT_EQ(sim.outcomes.front().retry_in_ms, 0u);
}

TEST(DriverFailover, AReferenceToANewServerCountsOnceTheListGrew) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  DriverSim sim(servers(1), [] {
    SessionConfig c = DriverSim::session_config();
    c.version = codec::ProtocolVersion::V5;
    return c;
  }());
  sim.servers[0].answer = Answer::Refer;
  sim.servers[0].reference = "s1";
  sim.servers.push_back({});        // the facade adds the named server to its list...
  sim.driver().set_server_count(2);  // ...and tells the driver
  sim.run_until(100);
  EXPECT_EQ(order(sim.attempts), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(sim.connected_server, 1u);
}

}  // namespace
}  // namespace mqtt_setup::testing
