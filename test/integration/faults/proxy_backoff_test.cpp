// Reconnect delays measured where they matter, at the server: the proxy accepts and resets
// every attempt and notes its time. With first_ms = 100, max_ms = 800 and the default 50 %
// jitter, retry k waits in [d_k / 2, d_k], d_k = min(800, 100 * 2^k): the ranges
// [50,100] [100,200] [200,400] [400,800] [400,800]... do not overlap before the cap, so growth
// is guaranteed, not just likely; the cap bounds every gap; and eight draws from [400, 800]
// that all fall within 20 ms of each other would mean there is no jitter.
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
  const auto start = Clock::now();
  while (proxy.accept_times().size() < kAttempts && Clock::now() - start < 20s) {
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

  // Each gap within its window; early is impossible, late only by scheduling (generous slack
  // for a loaded CI machine, still far below the next window's floor growth).
  constexpr long long kSlackMs = 250;
  for (std::size_t k = 0; k < gaps.size(); ++k) {
    const long long d = std::min<long long>(800, 100LL << std::min<std::size_t>(k, 10));
    EXPECT_GE(gaps[k], d / 2 - 5) << "retry " << k;
    EXPECT_LE(gaps[k], d + kSlackMs) << "retry " << k;
  }
  // Growth until the cap: each window's floor is the previous window's ceiling, so the delays
  // never shrink. A measured gap is delay + the client's own work for one attempt, which varies
  // (the first attempt is slowest: cold code, and ~20x under valgrind), hence the tolerance.
  constexpr long long kAttemptOverheadMs = 100;
  for (std::size_t k = 1; k < 4; ++k) {
    EXPECT_GE(gaps[k] + kAttemptOverheadMs, gaps[k - 1]) << "retry " << k;
  }
  // Jitter: the capped gaps are spread out, and centred near 600 ms.
  const auto capped = std::vector<long long>(gaps.begin() + 4, gaps.end());
  const auto [lo, hi] = std::minmax_element(capped.begin(), capped.end());
  EXPECT_GE(*hi - *lo, 20) << "no jitter";
  const double mean = std::accumulate(capped.begin(), capped.end(), 0.0) / double(capped.size());
  EXPECT_GT(mean, 440.0);
  EXPECT_LT(mean, 800.0);
}

}  // namespace
}  // namespace mqtt_setup
