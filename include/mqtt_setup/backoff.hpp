// Reconnect delays: exponential growth, a cap, and random jitter. A pure calculator in integers
// (no floating point on the core: a Cortex-M4 without FPU would pay ~1 KB for it).
#pragma once

#include <cstdint>

namespace mqtt_setup {

struct BackoffPolicy {
  std::uint32_t first_ms = 2'000;  // delay before the second attempt
  std::uint32_t max_ms = 60'000;   // cap
  /// Share of each delay that is random, in percent. 100 is "full jitter" (0..d);
  /// the default 50 draws from d/2..d, so a fleet still spreads out while every attempt
  /// waits at least as long as the previous one did.
  std::uint8_t jitter_percent = 50;
};

/// Delay before retry number `attempt` (0 = the first retry, after the first failure):
/// d = min(max, first * 2^attempt), minus up to jitter_percent of d chosen by `random`.
std::uint32_t backoff_delay_ms(const BackoffPolicy& policy, std::uint32_t attempt,
                               std::uint32_t random);

}  // namespace mqtt_setup
