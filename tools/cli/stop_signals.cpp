#include "stop_signals.hpp"

#include <pthread.h>
#include <signal.h>

namespace mqtt_setup::cli {
namespace {

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

StopSignals::StopSignals(Wakeup& wakeup) : wakeup_(wakeup) {
  const sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] { watch(); });
}

StopSignals::~StopSignals() {
  closing_ = true;
  // The watcher sleeps in sigwait(); a signal aimed at it is the only way to wake it.
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

void StopSignals::watch() {
  const sigset_t set = stop_signal_set();
  for (;;) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (closing_) return;
    ++count_;
    wakeup_.notify();
  }
}

}  // namespace mqtt_setup::cli
