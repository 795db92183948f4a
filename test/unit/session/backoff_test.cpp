#include <gtest/gtest.h>

#include "mqtt_setup/backoff.hpp"

namespace mqtt_setup {
namespace {

TEST(Backoff, GrowsExponentiallyUpToTheCapWithoutJitter) {
  BackoffPolicy p{2'000, 60'000, 0};
  EXPECT_EQ(backoff_delay_ms(p, 0, 12345), 2'000u);
  EXPECT_EQ(backoff_delay_ms(p, 1, 12345), 4'000u);
  EXPECT_EQ(backoff_delay_ms(p, 4, 12345), 32'000u);
  EXPECT_EQ(backoff_delay_ms(p, 5, 12345), 60'000u);
  EXPECT_EQ(backoff_delay_ms(p, 1'000'000, 12345), 60'000u);
}

TEST(Backoff, HalfJitterStaysInUpperHalfAndNeverShrinks) {
  BackoffPolicy p;  // 2 s, 60 s, 50 %
  for (std::uint32_t r = 0; r < 100'000; r += 997) {
    for (std::uint32_t attempt = 0; attempt < 8; ++attempt) {
      const auto d = backoff_delay_ms(p, attempt, r * 2654435761u);
      const std::uint64_t nominal = std::min<std::uint64_t>(60'000, 2'000ull << attempt);
      EXPECT_LE(d, nominal);
      EXPECT_GE(d, nominal / 2);
    }
  }
}

TEST(Backoff, FullJitterSpreadsOverTheWholeRange) {
  BackoffPolicy p{1'000, 60'000, 100};
  std::uint32_t lo = ~0u, hi = 0;
  for (std::uint32_t r = 0; r < 10'000; ++r) {
    const auto d = backoff_delay_ms(p, 0, r * 2654435761u);
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, 50u);
  EXPECT_GT(hi, 950u);
}

TEST(Backoff, RandomValueChangesTheDelay) {
  BackoffPolicy p;
  EXPECT_NE(backoff_delay_ms(p, 3, 1), backoff_delay_ms(p, 3, 5'000));
}

}  // namespace
}  // namespace mqtt_setup
