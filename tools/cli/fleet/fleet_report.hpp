// What `fleet` says: a progress line on stderr while it runs, an optional CSV time series
// (--stats-file, for plotting), and one summary at the end (text, or one JSON object).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "../json_output.hpp"
#include "device.hpp"
#include "latency_histogram.hpp"

namespace mqtt_setup::cli {

/// One sample of the run, once a second.
struct FleetSample {
  double elapsed_s = 0;
  std::uint32_t devices = 0;
  FleetCounters counters;
  double published_per_s = 0;
  double acknowledged_per_s = 0;
  std::uint64_t rss_kib = 0;
};

struct FleetSummary {
  std::uint32_t devices = 0;
  std::uint64_t connected = 0;          // devices that connected at least once
  double connect_all_s = -1;            // first moment all were connected; -1: never
  std::uint64_t published = 0;          // messages accepted by the sessions
  std::uint64_t acknowledged = 0;       // QoS 1/2 acknowledged, QoS 0 written
  std::uint64_t lost = 0;               // published - acknowledged
  std::uint64_t dropped = 0;            // of which replaced or dropped while offline
  std::uint64_t reconnects = 0;
  std::uint64_t ack_timeouts = 0;       // of which a broker never acknowledged (--ack-timeout)
  std::uint64_t connect_failures = 0;
  std::uint64_t refused = 0;            // CONNACKs that refused a device
  codec::ConnectReturnCode last_refusal = codec::ConnectReturnCode::Accepted;
  double latency_p50_ms = 0, latency_p99_ms = 0, latency_max_ms = 0;
  LatencyHistogram latency;             // what the quantiles come from (exported in --json)
  LatencyHistogram reconnect_time;      // link lost (not by us) -> next CONNACK, per device
  std::uint64_t moved = 0;              // devices that connected to a server not their first
  std::uint64_t returned = 0;           // of those, devices back on their first server since
  std::uint64_t baseline_rss_kib = 0;   // before the devices existed
  std::uint64_t connected_rss_kib = 0;  // when all were connected (or at the end)
  std::uint64_t peak_rss_kib = 0;
  double rss_per_device_bytes = 0;      // (connected - baseline) / devices
  double duration_s = 0;
};

std::string progress_line(const FleetSample& sample);
/// The CSV header (one connected_serverN column per server), and one row per sample.
void write_stats_header(std::FILE* file, std::size_t servers);
void write_stats_row(std::FILE* file, const FleetSample& sample);

Json summary_json(const FleetSummary& summary);
std::string summary_text(const FleetSummary& summary);
/// The inverse of summary_json() (fleet-report reads shards' summaries); nullopt with the
/// reason in `error` when `line` is not a fleet summary.
std::optional<FleetSummary> summary_from_json(const Json& line, std::string& error);
/// The quantiles' fields from the histogram.
void set_latency_quantiles(FleetSummary& summary);

}  // namespace mqtt_setup::cli
