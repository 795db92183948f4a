// Reconnect delays measured where they matter, at the server: the proxy accepts and resets
// every attempt and notes its time. With first_ms = 100, max_ms = 800 and the default 50 %
// jitter, retry k waits in [d_k / 2, d_k], d_k = min(800, 100 * 2^k).
//
// A wiring test on the wall clock: that the facade's reconnect loop really waits out the
// schedule (never early), grows it and caps it. The exact schedule (doubling, cap, jitter
// bounds) is a matter for a test on a simulated clock; here every upper bound has a margin of
// 5x, so a loaded CI machine (sanitizers, valgrind, parallel tests) cannot fail it by chance.
// Early is impossible (a gap is the delay plus the client's own work), so the lower bounds
// are exact; and without a cap the lower bounds alone would reach 6.4 s by retry 7, beyond
// 5x the cap.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <thread>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/fault_proxy.hpp"
#include "support/loopback.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(FaultProxy, ReconnectDelaysGrowAreCappedAndJittered) {
  // The upstream is never reached: reject mode resets each connection as it is accepted.
  test::FaultProxy proxy({.upstream_port = test::unused_port(), .mode = test::FaultMode::Reject});
  ASSERT_TRUE(proxy.ok());
  Options o;
  o.client_id = "fault_backoff";
  o.attempts = 1;
  o.retry.first_ms = 100;
  o.retry.max_ms = 800;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();

  constexpr std::size_t kAttempts = 13;  // 4 growing gaps + 8 capped ones
  // Nominally <= 8 s in all; waited for up to 60 s (the loop ends as soon as they happened).
  const auto start = Clock::now();
  while (proxy.accept_times().size() < kAttempts && Clock::now() - start < 60s) {
    std::this_thread::sleep_for(20ms);
  }
  mqtt.disconnect();
  const auto times = proxy.accept_times();
  ASSERT_GE(times.size(), kAttempts);

  std::vector<long long> gaps;
  for (std::size_t i = 1; i < kAttempts; ++i) {
    gaps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]).count());
  }
  std::string all;
  for (auto g : gaps) all += std::to_string(g) + " ";
  SCOPED_TRACE("gaps (ms): " + all);

  // Each gap no shorter than its window's floor (so they grow: retry 3's floor, 400 ms, is 4x
  // retry 0's ceiling); no longer than 5x its window's ceiling.
  for (std::size_t k = 0; k < gaps.size(); ++k) {
    const long long d = std::min<long long>(800, 100LL << std::min<std::size_t>(k, 10));
    EXPECT_GE(gaps[k], d / 2 - 5) << "retry " << k;
    EXPECT_LE(gaps[k], 5 * d) << "retry " << k;
  }
  // Jitter: eight draws from [400, 800] all within 20 ms of each other would mean none.
  const auto capped = std::vector<long long>(gaps.begin() + 4, gaps.end());
  const auto [lo, hi] = std::minmax_element(capped.begin(), capped.end());
  EXPECT_GE(*hi - *lo, 20) << "no jitter";
  const double mean = std::accumulate(capped.begin(), capped.end(), 0.0) / double(capped.size());
  EXPECT_GT(mean, 395.0);
  EXPECT_LT(mean, 5 * 800.0);
}

}  // namespace
}  // namespace mqtt_setup
