#include "latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace mqtt_setup::cli {

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

void LatencyHistogram::add(std::uint64_t microseconds) {
  ++count_;
  max_us_ = std::max(max_us_, microseconds);
  const std::uint64_t bucket = microseconds / kBucketUs;
  if (bucket < kBuckets)
    ++buckets_[bucket];
  else
    ++overflow_;
}

void LatencyHistogram::merge_bucket(std::size_t i, std::uint64_t count) {
  count_ += count;
  if (i < kBuckets)
    buckets_[i] += static_cast<std::uint32_t>(count);
  else
    overflow_ += count;
}

std::uint64_t LatencyHistogram::quantile_us(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    // The bucket's upper edge, but never above the largest value seen: p99 <= max.
    if (seen >= std::max<std::uint64_t>(rank, 1)) return std::min((i + 1) * kBucketUs, max_us_);
  }
  return max_us_;  // in the overflow
}

}  // namespace mqtt_setup::cli
