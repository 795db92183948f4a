// How the library's thread and the signal watcher interrupt the main thread's wait. It is a
// self-pipe rather than a condition variable because `pipe` must watch standard input in the
// same wait, and poll() can watch both.
#pragma once

#include <chrono>
#include <optional>

namespace mqtt_setup::cli {

using Clock = std::chrono::steady_clock;

class Wakeup {
 public:
  Wakeup();
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  /// Ends the current (or the next) wait. Any thread; async-signal-safe.
  void notify();

  /// Waits until notify(), until `input_fd` (when >= 0) is readable or closed, or until the
  /// deadline (none: no limit). Returns whether `input_fd` is ready, so that a read() on it will
  /// not block. Callers re-check their conditions after every return: a notify() never gets lost,
  /// but one may wake several waits' worth of changes.
  bool wait(std::optional<Clock::time_point> deadline, int input_fd = -1);

 private:
  int read_end_ = -1;
  int write_end_ = -1;
};

}  // namespace mqtt_setup::cli
