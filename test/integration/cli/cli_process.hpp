// Runs the mqtt-setup binary the way a script does: arguments and standard input in; exit code,
// standard output and standard error back. Every run is bounded: past its limit the child is
// killed (by its own pid) and the run reports timed_out.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt_setup::test {

struct CliRun {
  int exit_code = -1;  // -1: killed by a signal (or on timeout)
  bool timed_out = false;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};

  /// Lines of stderr that start with "mqtt-setup: error:" (docs/cli.md: exactly one on failure).
  int error_lines() const;
};

/// The binary under test (set by CMake).
const char* cli_path();

CliRun run_cli(const std::vector<std::string>& args, std::string_view input = {},
               std::chrono::milliseconds limit = std::chrono::seconds(20));

}  // namespace mqtt_setup::test
