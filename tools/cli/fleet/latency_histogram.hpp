// Publish -> acknowledgement latencies of every message of a run, in fixed memory: 0.1 ms
// buckets up to 10 s (the rest only raises the maximum), so quantiles cost no allocation per
// message and no sorting of millions of samples. Histograms of several runs (fleet shards)
// merge bucket by bucket into the histogram of the whole, so merged quantiles are exact to
// the bucket, unlike averaged percentiles.
#pragma once

#include <algorithm>
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

  static constexpr std::uint64_t kBucketUs = 100;
  static constexpr std::size_t kBuckets = 100'000;  // 10 s
  /// Count of bucket i: latencies in [i * kBucketUs, (i + 1) * kBucketUs).
  std::uint64_t bucket(std::size_t i) const { return buckets_[i]; }
  /// Latencies of 10 s or more: only the maximum tells how long.
  std::uint64_t overflow() const { return overflow_; }
  /// Adds `count` latencies to bucket i (i >= kBuckets: the overflow), and a maximum seen.
  void merge_bucket(std::size_t i, std::uint64_t count);
  void merge_max(std::uint64_t max_us) { max_us_ = std::max(max_us_, max_us); }

 private:
  std::vector<std::uint32_t> buckets_;  // 4 x 10^9 per 0.1 ms bucket is beyond any run
  std::uint64_t overflow_ = 0;
  std::uint64_t count_ = 0;
  std::uint64_t max_us_ = 0;
};

}  // namespace mqtt_setup::cli
