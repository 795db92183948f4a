#include "fleet_merge.hpp"

#include <algorithm>
#include <cstdio>

namespace mqtt_setup::cli {
namespace {

bool slower(const FleetSummary& a, const FleetSummary& b) {
  if (a.latency_p99_ms != b.latency_p99_ms) return a.latency_p99_ms > b.latency_p99_ms;
  return a.latency_max_ms > b.latency_max_ms;
}

void merge_histogram(LatencyHistogram& into, const LatencyHistogram& from) {
  for (std::size_t b = 0; b < LatencyHistogram::kBuckets; ++b)
    if (from.bucket(b) != 0) into.merge_bucket(b, from.bucket(b));
  into.merge_bucket(LatencyHistogram::kBuckets, from.overflow());
  into.merge_max(from.max_us());
}

}  // namespace

MergedFleet merge_shards(const std::vector<FleetShard>& shards) {
  MergedFleet merged;
  FleetSummary& t = merged.total;
  std::uint64_t grown_kib = 0;  // RSS the devices added, all processes
  bool all_connected = true;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const FleetSummary& s = shards[i].summary;
    t.devices += s.devices;
    t.connected += s.connected;
    // The fleet was all connected when its last shard was (each counts from its own start).
    all_connected = all_connected && s.connect_all_s >= 0;
    t.connect_all_s = std::max(t.connect_all_s, s.connect_all_s);
    t.published += s.published;
    t.acknowledged += s.acknowledged;
    t.lost += s.lost;
    t.dropped += s.dropped;
    t.reconnects += s.reconnects;
    t.ack_timeouts += s.ack_timeouts;
    t.connect_failures += s.connect_failures;
    t.moved += s.moved;
    t.returned += s.returned;
    merge_histogram(t.latency, s.latency);
    merge_histogram(t.reconnect_time, s.reconnect_time);
    t.baseline_rss_kib += s.baseline_rss_kib;
    t.connected_rss_kib += s.connected_rss_kib;
    t.peak_rss_kib += s.peak_rss_kib;
    grown_kib += s.connected_rss_kib - std::min(s.connected_rss_kib, s.baseline_rss_kib);
    t.duration_s = std::max(t.duration_s, s.duration_s);
    if (slower(s, shards[merged.slowest].summary)) merged.slowest = i;
  }
  if (!all_connected) t.connect_all_s = -1;
  set_latency_quantiles(t);
  t.rss_per_device_bytes =
      t.devices == 0 ? 0 : 1024.0 * static_cast<double>(grown_kib) / t.devices;
  return merged;
}

Json merged_json(const std::vector<FleetShard>& shards, const MergedFleet& merged) {
  Json line = summary_json(merged.total);
  Json list = Json::array();
  for (const FleetShard& shard : shards)
    list.push_back({{"file", shard.name},
                    {"devices", shard.summary.devices},
                    {"lost", shard.summary.lost},
                    {"latency_p99_ms", shard.summary.latency_p99_ms}});
  line["shards"] = list;
  line["slowest_shard"] = shards[merged.slowest].name;
  return line;
}

std::string merged_text(const std::vector<FleetShard>& shards, const MergedFleet& merged) {
  const FleetShard& slowest = shards[merged.slowest];
  char head[512];
  std::snprintf(head, sizeof head,
                "shards         %zu; slowest %s (publish->ack p99 %.2f ms, max %.2f ms)\n",
                shards.size(), slowest.name.c_str(), slowest.summary.latency_p99_ms,
                slowest.summary.latency_max_ms);
  return head + summary_text(merged.total);
}

}  // namespace mqtt_setup::cli
