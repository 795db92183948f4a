// setup_connection() on a thread of its own. The library works through its attempts (with
// backoff, each up to the connect timeout), which can outlast --timeout or a user pressing
// Ctrl-C; meanwhile the main thread keeps watching the clock, the signals and standard input.
#pragma once

#include <atomic>
#include <thread>

#include "mqtt_setup/mqtt_setup.hpp"
#include "wakeup.hpp"

namespace mqtt_setup::cli {

class BackgroundSetup {
 public:
  /// Starts setup_connection(); `wakeup` is notified when it returns.
  BackgroundSetup(MQTTSetup& mqtt, Wakeup& wakeup);
  /// Waits for setup_connection() to return. To leave earlier, use exit_immediately().
  ~BackgroundSetup();
  BackgroundSetup(const BackgroundSetup&) = delete;
  BackgroundSetup& operator=(const BackgroundSetup&) = delete;

  bool done() const { return done_; }

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace mqtt_setup::cli
