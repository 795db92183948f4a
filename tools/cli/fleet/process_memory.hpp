// What the fleet measures about its own process, and the one limit it raises.
#pragma once

#include <cstdint>
#include <string>

namespace mqtt_setup::cli {

/// Resident set size now (VmRSS) and its peak so far (VmHWM), in KiB; 0 when unknown.
std::uint64_t resident_kib();
std::uint64_t peak_resident_kib();

/// Raises the soft RLIMIT_NOFILE to the hard limit (one descriptor per simulated device) and
/// returns the limit now in force.
std::uint64_t raise_open_files_limit();

}  // namespace mqtt_setup::cli
