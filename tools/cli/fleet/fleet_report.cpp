#include "fleet_report.hpp"

#include <cmath>

namespace mqtt_setup::cli {
namespace {

std::string format(const char* pattern, auto... values) {
  char text[512];
  std::snprintf(text, sizeof text, pattern, values...);
  return text;
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

double quantile_ms(const LatencyHistogram& h, double q) {
  return static_cast<double>(h.quantile_us(q)) / 1000.0;
}

// Only the buckets that hold something: [[index, count], ...] of 0.1 ms buckets.
Json histogram_json(const LatencyHistogram& h) {
  Json buckets = Json::array();
  for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i)
    if (h.bucket(i) != 0) buckets.push_back({i, h.bucket(i)});
  return {{"bucket_us", LatencyHistogram::kBucketUs},
          {"buckets", buckets},
          {"overflow", h.overflow()},
          {"max_us", h.max_us()}};
}

bool histogram_from_json(const Json& j, LatencyHistogram& h) {
  if (!j.is_object() || j.value("bucket_us", 0u) != LatencyHistogram::kBucketUs ||
      !j.contains("buckets") || !j["buckets"].is_array())
    return false;
  for (const Json& bucket : j["buckets"]) {
    if (!bucket.is_array() || bucket.size() != 2 || !bucket[0].is_number_unsigned() ||
        !bucket[1].is_number_unsigned())
      return false;
    h.merge_bucket(bucket[0].get<std::size_t>(), bucket[1].get<std::uint64_t>());
  }
  h.merge_bucket(LatencyHistogram::kBuckets, j.value("overflow", std::uint64_t{0}));
  h.merge_max(j.value("max_us", std::uint64_t{0}));
  return true;
}

}  // namespace

std::optional<FleetSummary> summary_from_json(const Json& j, std::string& error) {
  if (!j.is_object() || j.value("event", "") != "summary" || !j.contains("devices")) {
    error = "not a fleet --json summary";
    return std::nullopt;
  }
  if (!j.contains("latency_histogram")) {
    error = "no latency_histogram (a summary from an mqtt-setup older than fleet-report)";
    return std::nullopt;
  }
  FleetSummary s;
  try {
    s.devices = j.at("devices").get<std::uint32_t>();
    s.connected = j.at("connected").get<std::uint64_t>();
    s.connect_all_s = j.at("connect_all_s").is_null() ? -1 : j.at("connect_all_s").get<double>();
    s.published = j.at("published").get<std::uint64_t>();
    s.acknowledged = j.at("acknowledged").get<std::uint64_t>();
    s.lost = j.at("lost").get<std::uint64_t>();
    s.dropped = j.at("dropped").get<std::uint64_t>();
    s.reconnects = j.at("reconnects").get<std::uint64_t>();
    s.ack_timeouts = j.value("ack_timeouts", std::uint64_t{0});
    s.connect_failures = j.at("connect_failures").get<std::uint64_t>();
    s.moved = j.value("moved", std::uint64_t{0});
    s.returned = j.value("returned", std::uint64_t{0});
    s.baseline_rss_kib = j.at("baseline_rss_kib").get<std::uint64_t>();
    s.connected_rss_kib = j.at("connected_rss_kib").get<std::uint64_t>();
    s.peak_rss_kib = j.at("peak_rss_kib").get<std::uint64_t>();
    s.rss_per_device_bytes = j.at("rss_per_device_bytes").get<double>();
    s.duration_s = j.at("duration_s").get<double>();
  } catch (const Json::exception& e) {  // a missing key or a wrong type
    error = std::string("a field is missing or of the wrong type (") + e.what() + ")";
    return std::nullopt;
  }
  if (!histogram_from_json(j["latency_histogram"], s.latency)) {
    error = "latency_histogram is not [[bucket, count], ...] of 100 us buckets";
    return std::nullopt;
  }
  if (j.contains("reconnect_histogram") &&
      !histogram_from_json(j["reconnect_histogram"], s.reconnect_time)) {
    error = "reconnect_histogram is not [[bucket, count], ...] of 100 us buckets";
    return std::nullopt;
  }
  set_latency_quantiles(s);
  return s;
}

void set_latency_quantiles(FleetSummary& s) {
  s.latency_p50_ms = static_cast<double>(s.latency.quantile_us(0.50)) / 1000.0;
  s.latency_p99_ms = static_cast<double>(s.latency.quantile_us(0.99)) / 1000.0;
  s.latency_max_ms = static_cast<double>(s.latency.max_us()) / 1000.0;
}

std::string progress_line(const FleetSample& s) {
  return format(
      "fleet: %6.0f s  connected %llu/%u  %.0f msg/s  acks %llu (%.0f/s)  reconnects %llu  "
      "failed connects %llu  RSS %llu KiB",
      s.elapsed_s, static_cast<unsigned long long>(s.counters.connected), s.devices,
      s.published_per_s, static_cast<unsigned long long>(s.counters.acknowledged),
      s.acknowledged_per_s, static_cast<unsigned long long>(s.counters.reconnects),
      static_cast<unsigned long long>(s.counters.connect_failures),
      static_cast<unsigned long long>(s.rss_kib));
}

void write_stats_header(std::FILE* file, std::size_t servers) {
  std::fputs(
      "elapsed_s,connected,published,acknowledged,published_per_s,acknowledged_per_s,"
      "reconnects,connect_failures,rss_kib",
      file);
  for (std::size_t i = 1; i <= servers; ++i) std::fprintf(file, ",connected_server%zu", i);
  std::fputs(",moved,returned\n", file);
}

void write_stats_row(std::FILE* file, const FleetSample& s) {
  std::fprintf(file, "%.3f,%llu,%llu,%llu,%.1f,%.1f,%llu,%llu,%llu", s.elapsed_s,
               static_cast<unsigned long long>(s.counters.connected),
               static_cast<unsigned long long>(s.counters.published),
               static_cast<unsigned long long>(s.counters.acknowledged), s.published_per_s,
               s.acknowledged_per_s, static_cast<unsigned long long>(s.counters.reconnects),
               static_cast<unsigned long long>(s.counters.connect_failures),
               static_cast<unsigned long long>(s.rss_kib));
  for (const std::uint64_t connected : s.counters.connected_per_server)
    std::fprintf(file, ",%llu", static_cast<unsigned long long>(connected));
  std::fprintf(file, ",%llu,%llu\n", static_cast<unsigned long long>(s.counters.moved),
               static_cast<unsigned long long>(s.counters.returned));
  std::fflush(file);
}

Json summary_json(const FleetSummary& s) {
  Json line;
  line["event"] = "summary";
  line["devices"] = s.devices;
  line["connected"] = s.connected;
  line["connect_all_s"] = s.connect_all_s < 0 ? Json(nullptr) : Json(rounded(s.connect_all_s, 3));
  line["published"] = s.published;
  line["acknowledged"] = s.acknowledged;
  line["lost"] = s.lost;
  line["dropped"] = s.dropped;
  line["reconnects"] = s.reconnects;
  line["ack_timeouts"] = s.ack_timeouts;
  line["connect_failures"] = s.connect_failures;
  line["latency_ms"] = {{"p50", rounded(s.latency_p50_ms, 3)},
                        {"p99", rounded(s.latency_p99_ms, 3)},
                        {"max", rounded(s.latency_max_ms, 3)}};
  line["moved"] = s.moved;
  line["returned"] = s.returned;
  line["latency_histogram"] = histogram_json(s.latency);
  line["reconnect_ms"] = {{"count", s.reconnect_time.count()},
                          {"p50", rounded(quantile_ms(s.reconnect_time, 0.50), 3)},
                          {"p99", rounded(quantile_ms(s.reconnect_time, 0.99), 3)},
                          {"max", rounded(static_cast<double>(s.reconnect_time.max_us()) / 1000, 3)}};
  line["reconnect_histogram"] = histogram_json(s.reconnect_time);
  line["baseline_rss_kib"] = s.baseline_rss_kib;
  line["connected_rss_kib"] = s.connected_rss_kib;
  line["peak_rss_kib"] = s.peak_rss_kib;
  line["rss_per_device_bytes"] = rounded(s.rss_per_device_bytes, 0);
  line["duration_s"] = rounded(s.duration_s, 3);
  return line;
}

std::string summary_text(const FleetSummary& s) {
  std::string text;
  text += format("devices        %u, %llu connected", s.devices,
                 static_cast<unsigned long long>(s.connected));
  text += s.connect_all_s < 0 ? std::string(" (not all)\n")
                              : format(" (all within %.2f s)\n", s.connect_all_s);
  text += format("published      %llu\n", static_cast<unsigned long long>(s.published));
  text += format("acknowledged   %llu\n", static_cast<unsigned long long>(s.acknowledged));
  text += format("lost           %llu (of which %llu dropped or replaced while offline)\n",
                 static_cast<unsigned long long>(s.lost),
                 static_cast<unsigned long long>(s.dropped));
  text += format("reconnects     %llu (failed connection attempts: %llu)\n",
                 static_cast<unsigned long long>(s.reconnects),
                 static_cast<unsigned long long>(s.connect_failures));
  if (s.ack_timeouts > 0)
    text += format("ack timeouts   %llu connections ended because the broker did not acknowledge "
                   "a message within --ack-timeout (resent after the reconnect)\n",
                   static_cast<unsigned long long>(s.ack_timeouts));
  if (s.moved > 0)
    text += format("failover       %llu devices moved to another server, %llu came back\n",
                   static_cast<unsigned long long>(s.moved),
                   static_cast<unsigned long long>(s.returned));
  if (s.reconnect_time.count() > 0)
    text += format("reconnect      p50 %.2f s, p99 %.2f s, max %.2f s (%llu links lost -> next "
                   "CONNACK)\n",
                   quantile_ms(s.reconnect_time, 0.50) / 1000, quantile_ms(s.reconnect_time, 0.99) / 1000,
                   static_cast<double>(s.reconnect_time.max_us()) / 1e6,
                   static_cast<unsigned long long>(s.reconnect_time.count()));
  text += format("publish->ack   p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", s.latency_p50_ms,
                 s.latency_p99_ms, s.latency_max_ms);
  text += format("memory         peak RSS %llu KiB; %.0f bytes per device (RSS when all were "
                 "connected %llu KiB - before the devices %llu KiB)",
                 static_cast<unsigned long long>(s.peak_rss_kib), s.rss_per_device_bytes,
                 static_cast<unsigned long long>(s.connected_rss_kib),
                 static_cast<unsigned long long>(s.baseline_rss_kib));
  return text;
}

}  // namespace mqtt_setup::cli
