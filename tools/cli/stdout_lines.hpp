// Standard output, shared by the library's thread (messages, connection events) and the main
// thread (the summary). Every write is one whole line, flushed at once: `listen | grep` and
// scripts reading --json see each line the moment it happens.
#pragma once

#include <atomic>
#include <mutex>
#include <string_view>

namespace mqtt_setup::cli {

class StdoutLines {
 public:
  /// Writes `line` and a newline. false once standard output is gone (the reader exited:
  /// EPIPE, SIGPIPE being ignored) or failing; every later write is skipped.
  bool write(std::string_view line);
  bool broken() const { return broken_; }

 private:
  std::mutex mutex_;
  std::atomic<bool> broken_{false};
};

}  // namespace mqtt_setup::cli
