// One fleet out of several `fleet` processes (shards, --first-index), for
// `mqtt-setup fleet-report`: their --json summaries summed, their latency histograms merged
// bucket by bucket (so the fleet's p99 is a real p99, not an average of p99s), and the slowest
// shard named.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleet_report.hpp"

namespace mqtt_setup::cli {

struct FleetShard {
  std::string name;  // the summary's file, as given
  FleetSummary summary;
};

struct MergedFleet {
  FleetSummary total;
  std::size_t slowest = 0;  // index of the shard with the highest publish->ack p99
};

/// `shards` must not be empty.
MergedFleet merge_shards(const std::vector<FleetShard>& shards);

/// The merged summary (summary_json() of the total) with "shards" and "slowest_shard".
Json merged_json(const std::vector<FleetShard>& shards, const MergedFleet& merged);
std::string merged_text(const std::vector<FleetShard>& shards, const MergedFleet& merged);

}  // namespace mqtt_setup::cli
