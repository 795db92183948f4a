// SIGINT and SIGTERM as a request to stop, delivered to the main thread's wait instead of
// interrupting whichever thread the kernel picks (the library's socket calls must not see EINTR,
// and the commands must get to disconnect cleanly).
#pragma once

#include <atomic>
#include <thread>

#include "wakeup.hpp"

namespace mqtt_setup::cli {

class StopSignals {
 public:
  /// Blocks SIGINT/SIGTERM in the calling thread, and so in every thread it starts afterwards:
  /// construct it before MQTTSetup. A watcher thread takes the signals and notifies `wakeup`.
  explicit StopSignals(Wakeup& wakeup);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// How many stop signals arrived so far (a second one means "now, not gracefully").
  int count() const { return count_; }

 private:
  void watch();

  Wakeup& wakeup_;
  std::atomic<int> count_{0};
  std::atomic<bool> closing_{false};
  std::thread watcher_;
};

}  // namespace mqtt_setup::cli
