// Clock, sleep and randomness of the POSIX port.
#include <gtest/gtest.h>

#include <set>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {
namespace {

TEST(Clock, NeverGoesBackwards) {
  Millis previous = now_ms();
  for (int i = 0; i < 100'000; ++i) {
    const Millis now = now_ms();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

TEST(Clock, SleepWaitsAtLeastTheRequestedTime) {
  const Millis start = now_ms();
  sleep_ms(30);
  const Millis elapsed = now_ms() - start;
  EXPECT_GE(elapsed, 30U);
  EXPECT_LT(elapsed, 2000U);  // generous: a loaded CI machine is slow, not stopped
}

TEST(Clock, SleepZeroReturns) {
  const Millis start = now_ms();
  sleep_ms(0);
  EXPECT_LT(now_ms() - start, 1000U);
}

TEST(Random, VariesAndCoversHighBits) {
  std::set<std::uint32_t> seen;
  std::uint32_t ored = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t value = random_u32();
    seen.insert(value);
    ored |= value;
  }
  // Backoff jitter only needs spread: 1000 draws of a 32-bit source practically never repeat.
  EXPECT_GT(seen.size(), 990U);
  EXPECT_EQ(ored, 0xFFFFFFFFU);
}

}  // namespace
}  // namespace mqtt_setup::platform
