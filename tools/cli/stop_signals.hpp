// SIGINT and SIGTERM as a request to stop, delivered to the main thread's wait instead of
// interrupting whichever thread the kernel picks (the library's socket calls must not see EINTR,
// and the commands must get to disconnect cleanly).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "wakeup.hpp"

namespace mqtt_setup::cli {

/// Where a stop signal came from, to tell a second request from a copy of the first.
struct SignalOrigin {
  int signal_number = 0;
  int code = 0;     // siginfo_t::si_code: SI_USER for kill(), SI_KERNEL for a terminal's Ctrl-C
  pid_t sender = 0;  // siginfo_t::si_pid, for SI_USER
  std::chrono::steady_clock::time_point at;
};

/// timeout(1) passes one signal on twice, to its child and then to its process group: the same
/// signal from the same process within a second is one request, not "a second signal".
/// A second Ctrl-C, or a kill from another process, counts.
bool is_copy_of(const SignalOrigin& previous, const SignalOrigin& next);

class StopSignals {
 public:
  /// Blocks SIGINT/SIGTERM in the calling thread, and so in every thread it starts afterwards:
  /// construct it before MQTTSetup. A watcher thread takes the signals and notifies `wakeup`.
  explicit StopSignals(Wakeup& wakeup);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// How many stop signals arrived so far (a second one means "now, not gracefully"; copies
  /// of one are counted once: is_copy_of()).
  int count() const { return count_; }

 private:
  void watch();

  Wakeup& wakeup_;
  std::atomic<int> count_{0};
  std::atomic<bool> closing_{false};
  std::thread watcher_;
};

}  // namespace mqtt_setup::cli
