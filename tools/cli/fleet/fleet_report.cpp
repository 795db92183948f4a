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

}  // namespace

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

void write_stats_header(std::FILE* file) {
  std::fputs(
      "elapsed_s,connected,published,acknowledged,published_per_s,acknowledged_per_s,"
      "reconnects,connect_failures,rss_kib\n",
      file);
}

void write_stats_row(std::FILE* file, const FleetSample& s) {
  std::fprintf(file, "%.3f,%llu,%llu,%llu,%.1f,%.1f,%llu,%llu,%llu\n", s.elapsed_s,
               static_cast<unsigned long long>(s.counters.connected),
               static_cast<unsigned long long>(s.counters.published),
               static_cast<unsigned long long>(s.counters.acknowledged), s.published_per_s,
               s.acknowledged_per_s, static_cast<unsigned long long>(s.counters.reconnects),
               static_cast<unsigned long long>(s.counters.connect_failures),
               static_cast<unsigned long long>(s.rss_kib));
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
  line["connect_failures"] = s.connect_failures;
  line["latency_ms"] = {{"p50", rounded(s.latency_p50_ms, 3)},
                        {"p99", rounded(s.latency_p99_ms, 3)},
                        {"max", rounded(s.latency_max_ms, 3)}};
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
