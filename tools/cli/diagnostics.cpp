#include "diagnostics.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mqtt_setup::cli {
namespace {

std::atomic<bool> debug_enabled{false};

// One fwrite per line: stdio locks the stream per call, so lines from the library's thread and
// ours never interleave mid-line.
void print_line(std::string_view kind, std::string_view message) {
  std::string line = "mqtt-setup: ";
  line += kind;
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;  // one line, always
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void print_error(std::string_view message) { print_line("error: ", message); }
void print_warning(std::string_view message) { print_line("warning: ", message); }

void enable_debug_output() { debug_enabled = true; }
bool debug_output_enabled() { return debug_enabled; }
void print_debug(std::string_view message) {
  if (debug_enabled) print_line("debug: ", message);
}

int fail(ExitCode code, std::string_view message) {
  print_error(message);
  return to_int(code);
}

void exit_immediately(ExitCode code) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(to_int(code));
}

}  // namespace mqtt_setup::cli
