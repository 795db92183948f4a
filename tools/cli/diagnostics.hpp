// Everything the command says on stderr goes through here, so that every line carries the
// program's name and a failure is always exactly one line (docs/cli.md:
// "Every failure prints one clear line on stderr starting with `mqtt-setup: error:`").
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "exit_codes.hpp"

namespace mqtt_setup::cli {

/// A usage or configuration mistake found after option parsing (bad topic, unreadable file...).
/// main() turns it into one error line and exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void print_error(std::string_view message);
void print_warning(std::string_view message);

/// -v turns on the debug lines (ours and the library's).
void enable_debug_output();
bool debug_output_enabled();
void print_debug(std::string_view message);

/// Prints the error line and returns the code, for `return fail(...)`.
int fail(ExitCode code, std::string_view message);

/// Ends the process at once, skipping destructors. Only for when a library call is still
/// blocked on another thread (connecting) and waiting for it would break a promised time limit;
/// there is no connection to close cleanly at that point.
[[noreturn]] void exit_immediately(ExitCode code);

}  // namespace mqtt_setup::cli
