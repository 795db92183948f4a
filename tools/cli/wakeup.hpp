// How the library's thread and the signal watcher interrupt the main thread's wait. It is a
// self-pipe rather than a condition variable because `pipe` must watch standard input in the
// same wait, and poll() can watch both.
#pragma once

#include <atomic>
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

  /// Ends the current (or the next) wait. Any thread; async-signal-safe. Writes to the pipe only
  /// when no wake-up is pending yet: a burst of deliveries (one per PUBACK in `pipe`) costs one
  /// write and one read, not one of each per message.
  void notify();

  /// Waits until notify(), until `input_fd` (when >= 0) is readable or closed, or until the
  /// deadline (none: no limit). Returns whether `input_fd` is ready, so that a read() on it will
  /// not block. Callers re-check their conditions after every return: a notify() never gets lost,
  /// but one may wake several waits' worth of changes.
  bool wait(std::optional<Clock::time_point> deadline, int input_fd = -1);

 private:
  int read_end_ = -1;
  int write_end_ = -1;
  // A byte is in the pipe (or about to be): later notify() calls need not write. wait()
  // clears it after draining the pipe.
  std::atomic<bool> pending_{false};
  static_assert(std::atomic<bool>::is_always_lock_free, "notify() runs in signal handlers");
};

}  // namespace mqtt_setup::cli
