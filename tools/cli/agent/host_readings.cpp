#include "host_readings.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mqtt_setup::cli {
namespace {

// Payloads are plain numbers; units are in the table (and the HA documents), not the payload.
constexpr std::array kKinds{
    ReadingKind{"temperature", "sensors/temperature", "CPU temperature", "°C", "temperature"},
    ReadingKind{"load", "sensors/load", "Load average (1 min)", "", ""},
    ReadingKind{"memory_used", "sensors/memory_used", "Memory used", "MiB", "data_size"},
    ReadingKind{"memory_available", "sensors/memory_available", "Memory available", "MiB",
                "data_size"},
    ReadingKind{"uptime", "sensors/uptime", "Uptime", "s", "duration"},
    ReadingKind{"disk_used", "sensors/disk_used", "Disk used (/)", "%", ""},
    ReadingKind{"battery", "status/battery", "Battery level", "%", "battery"},
    ReadingKind{"battery_state", "status/battery_state", "Battery state", "", "", false},
};

std::string fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::optional<std::string> first_line(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::string line;
  if (!file || !std::getline(file, line)) return std::nullopt;
  return line;
}

std::optional<double> number_in(const std::filesystem::path& path) {
  const auto line = first_line(path);
  if (!line) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(line->c_str(), &end);
  if (end == line->c_str()) return std::nullopt;
  return value;
}

// The hottest zone whose type looks like a CPU ("x86_pkg_temp", "cpu-thermal", "soc"...), else
// the hottest zone at all: boards name their zones freely.
std::optional<std::string> cpu_temperature(const HostSources& s) {
  std::error_code ec;
  std::optional<double> cpu, any;
  for (const auto& entry : std::filesystem::directory_iterator(s.thermal_dir, ec)) {
    if (!entry.path().filename().string().starts_with("thermal_zone")) continue;
    const auto millidegrees = number_in(entry.path() / "temp");
    if (!millidegrees || *millidegrees <= 0) continue;  // 0 or negative: sensor not wired
    const double celsius = *millidegrees / 1000.0;
    const std::string type = first_line(entry.path() / "type").value_or("");
    const bool looks_cpu = type.find("cpu") != std::string::npos ||
                           type.find("pkg") != std::string::npos ||
                           type.find("soc") != std::string::npos ||
                           type.find("x86") != std::string::npos;
    any = std::max(any.value_or(celsius), celsius);
    if (looks_cpu) cpu = std::max(cpu.value_or(celsius), celsius);
  }
  const auto chosen = cpu ? cpu : any;
  if (!chosen) return std::nullopt;
  return fixed(*chosen, 1);
}

std::optional<std::string> load_average(const HostSources& s) {
  const auto value = number_in(std::filesystem::path(s.proc_dir) / "loadavg");
  if (!value) return std::nullopt;
  return fixed(*value, 2);
}

// MemTotal and MemAvailable, in KiB.
std::optional<std::pair<double, double>> memory_kib(const HostSources& s) {
  std::ifstream file(std::filesystem::path(s.proc_dir) / "meminfo");
  std::optional<double> total, available;
  std::string key;
  double value = 0;
  std::string unit;
  while (file >> key >> value) {
    std::getline(file, unit);
    if (key == "MemTotal:") total = value;
    if (key == "MemAvailable:") available = value;
  }
  if (!total || !available) return std::nullopt;
  return std::pair{*total, *available};
}

std::optional<std::string> memory(const HostSources& s, bool used) {
  const auto kib = memory_kib(s);
  if (!kib) return std::nullopt;
  const double mib = (used ? kib->first - kib->second : kib->second) / 1024.0;
  return fixed(mib, 0);
}

std::optional<std::string> uptime(const HostSources& s) {
  const auto value = number_in(std::filesystem::path(s.proc_dir) / "uptime");
  if (!value) return std::nullopt;
  return fixed(*value, 0);
}

std::optional<std::string> disk_used(const HostSources& s) {
  struct statvfs fs {};
  if (::statvfs(s.disk_path.c_str(), &fs) != 0 || fs.f_blocks == 0) return std::nullopt;
  // As df counts it: blocks reserved for root are neither used nor available to users.
  const double used = static_cast<double>(fs.f_blocks - fs.f_bfree);
  const double usable = used + static_cast<double>(fs.f_bavail);
  if (usable <= 0) return std::nullopt;
  return fixed(100.0 * used / usable, 1);
}

// The first supply of type Battery; "capacity" is percent, "status" the charging state.
std::optional<std::filesystem::path> battery_dir(const HostSources& s) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(s.power_supply_dir, ec))
    if (first_line(entry.path() / "type").value_or("") == "Battery") return entry.path();
  return std::nullopt;
}

std::optional<std::string> battery_level(const HostSources& s) {
  const auto dir = battery_dir(s);
  if (!dir) return std::nullopt;
  const auto value = number_in(*dir / "capacity");
  if (!value) return std::nullopt;
  return fixed(*value, 0);
}

std::optional<std::string> battery_state(const HostSources& s) {
  const auto dir = battery_dir(s);
  if (!dir) return std::nullopt;
  auto status = first_line(*dir / "status");  // Charging, Discharging, Full, Not charging
  if (!status || status->empty()) return std::nullopt;
  std::string word;
  for (const char c : *status)
    word += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

std::optional<std::string> read_one(const HostSources& s, std::string_view name) {
  if (name == "temperature") return cpu_temperature(s);
  if (name == "load") return load_average(s);
  if (name == "memory_used") return memory(s, true);
  if (name == "memory_available") return memory(s, false);
  if (name == "uptime") return uptime(s);
  if (name == "disk_used") return disk_used(s);
  if (name == "battery") return battery_level(s);
  if (name == "battery_state") return battery_state(s);
  return std::nullopt;
}

}  // namespace

std::span<const ReadingKind> reading_kinds() { return kKinds; }

const ReadingKind* find_reading_kind(std::string_view name) {
  for (const ReadingKind& kind : kKinds)
    if (kind.name == name) return &kind;
  return nullptr;
}

std::vector<Reading> take_readings(const HostSources& sources,
                                   std::span<const std::string> wanted) {
  std::vector<Reading> readings;
  for (const ReadingKind& kind : kKinds) {
    if (std::find(wanted.begin(), wanted.end(), kind.name) == wanted.end()) continue;
    if (auto value = read_one(sources, kind.name)) readings.push_back({&kind, std::move(*value)});
  }
  return readings;
}

std::vector<std::string> available_readings(const HostSources& sources) {
  std::vector<std::string> names;
  for (const ReadingKind& kind : kKinds)
    if (read_one(sources, kind.name)) names.emplace_back(kind.name);
  return names;
}

}  // namespace mqtt_setup::cli
