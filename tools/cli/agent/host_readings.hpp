// What the agent reports about the machine it runs on. Each reading is taken only where the
// machine has it (a server has no battery, a VM often no thermal zone): a missing source is
// no reading, never a made-up zero.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt_setup::cli {

/// One kind of reading: where it is published and how Home Assistant should show it.
struct ReadingKind {
  std::string_view name;          // as in commands/configuration "readings" and HA unique ids
  std::string_view topic_suffix;  // under devices/{client_id}/
  std::string_view title;         // human name (HA entity name)
  std::string_view unit;          // empty: none
  std::string_view device_class;  // HA sensor device class; empty: none
  bool numeric = true;            // a plain number (HA state_class measurement)
};

/// Every kind the agent knows, in publishing order.
std::span<const ReadingKind> reading_kinds();
const ReadingKind* find_reading_kind(std::string_view name);

struct Reading {
  const ReadingKind* kind = nullptr;
  std::string value;  // the payload: a plain number ("45.2"), or a word for text readings
};

/// Where the readings come from; tests and other machines can point them elsewhere.
struct HostSources {
  std::string thermal_dir = "/sys/class/thermal";
  std::string proc_dir = "/proc";
  std::string power_supply_dir = "/sys/class/power_supply";
  std::string disk_path = "/";
};

/// Reads the machine now; only the kinds in `wanted` (names), only where available.
std::vector<Reading> take_readings(const HostSources& sources,
                                   std::span<const std::string> wanted);

/// The names of every kind this machine has right now.
std::vector<std::string> available_readings(const HostSources& sources);

}  // namespace mqtt_setup::cli
