// Publish -> acknowledgement latencies of every message of a run, in fixed memory: 0.1 ms
// buckets up to 10 s (the rest only raises the maximum), so quantiles cost no allocation per
// message and no sorting of millions of samples.
#pragma once

#include <cstdint>
#include <vector>

namespace mqtt_setup::cli {

class LatencyHistogram {
 public:
  LatencyHistogram();
  void add(std::uint64_t microseconds);
  std::uint64_t count() const { return count_; }
  /// Upper bound of the bucket holding quantile q (0..1), in microseconds; 0 when empty.
  std::uint64_t quantile_us(double q) const;
  std::uint64_t max_us() const { return max_us_; }

 private:
  static constexpr std::uint64_t kBucketUs = 100;
  static constexpr std::size_t kBuckets = 100'000;  // 10 s
  std::vector<std::uint32_t> buckets_;
  std::uint64_t overflow_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

}  // namespace mqtt_setup::cli
