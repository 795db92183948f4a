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

bool is_copy_of(const SignalOrigin& previous, const SignalOrigin& next) {
  return previous.signal_number == next.signal_number && previous.code == SI_USER &&
         next.code == SI_USER && previous.sender == next.sender &&
         next.at - previous.at < std::chrono::seconds(1);
}

void StopSignals::watch() {
  const sigset_t set = stop_signal_set();
  SignalOrigin previous;
  for (;;) {
    siginfo_t info{};
    const int signal_number = sigwaitinfo(&set, &info);
    if (signal_number < 0) continue;
    if (closing_) return;
    const SignalOrigin origin{signal_number, info.si_code, info.si_pid,
                              std::chrono::steady_clock::now()};
    if (count_ > 0 && is_copy_of(previous, origin)) continue;
    previous = origin;
    ++count_;
    wakeup_.notify();
  }
}

}  // namespace mqtt_setup::cli
