// --exec-dir DIR: commands/NAME runs DIR/NAME. The name comes from the network, so it is checked
// against a strict alphabet before it touches a path, the program is started with execve (never
// a shell: nothing in the name or payload is interpreted), the payload arrives on its standard
// input, and both its time and its output are bounded so a stuck or chatty program cannot stall
// the agent or blow up a message.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace mqtt_setup::cli {

/// [a-z0-9_-]{1,64}: no '/', no '.', nothing a shell or a path would give meaning to.
bool is_safe_command_name(std::string_view name);

struct CommandLimits {
  std::chrono::milliseconds timeout{10'000};  // then the program's process group is killed
  std::size_t max_output = 2048;              // bytes of stdout+stderr kept; the rest is read and dropped
};

struct CommandOutcome {
  bool started = false;
  std::string error;    // why it did not start (when !started)
  int exit_code = -1;   // when it exited
  int signal = 0;       // when a signal ended it
  bool timed_out = false;
  std::string output;   // stdout and stderr, interleaved as written
  bool truncated = false;
};

/// Runs `dir`/`name` (name already checked) with `input` on stdin. Blocks up to the timeout.
CommandOutcome run_command(const std::string& dir, const std::string& name,
                           std::string_view input, const CommandLimits& limits);

}  // namespace mqtt_setup::cli
