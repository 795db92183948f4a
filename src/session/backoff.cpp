#include "mqtt_setup/backoff.hpp"

namespace mqtt_setup {

std::uint32_t backoff_delay_ms(const BackoffPolicy& policy, std::uint32_t attempt,
                               std::uint32_t random) {
  std::uint64_t delay = policy.first_ms;
  for (std::uint32_t i = 0; i < attempt && delay < policy.max_ms; ++i) delay *= 2;
  if (delay > policy.max_ms) delay = policy.max_ms;
  const std::uint32_t percent = policy.jitter_percent > 100 ? 100 : policy.jitter_percent;
  const std::uint64_t spread = delay * percent / 100;
  if (spread == 0) return static_cast<std::uint32_t>(delay);
  return static_cast<std::uint32_t>(delay - random % (spread + 1));
}

}  // namespace mqtt_setup
