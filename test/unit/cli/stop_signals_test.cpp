// StopSignals counts a request to stop once, even when timeout(1) delivers it twice.
#include "stop_signals.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace mqtt_setup::cli {
namespace {

using namespace std::chrono_literals;

SignalOrigin from_kill(int signal_number, pid_t sender, std::chrono::milliseconds at) {
  return {signal_number, SI_USER, sender, std::chrono::steady_clock::time_point(at)};
}

TEST(StopSignalCopies, TimeoutsTwoDeliveriesAreOneRequest) {
  // timeout(1): kill(child, SIGINT), then kill(0, SIGINT) to its group, microseconds apart.
  EXPECT_TRUE(is_copy_of(from_kill(SIGINT, 4242, 0ms), from_kill(SIGINT, 4242, 0ms)));
  EXPECT_TRUE(is_copy_of(from_kill(SIGTERM, 4242, 0ms), from_kill(SIGTERM, 4242, 900ms)));
}

TEST(StopSignalCopies, ASecondRequestCounts) {
  EXPECT_FALSE(is_copy_of(from_kill(SIGINT, 4242, 0ms), from_kill(SIGINT, 4242, 1000ms)));
  EXPECT_FALSE(is_copy_of(from_kill(SIGINT, 4242, 0ms), from_kill(SIGINT, 4343, 1ms)));
  EXPECT_FALSE(is_copy_of(from_kill(SIGINT, 4242, 0ms), from_kill(SIGTERM, 4242, 1ms)));
  // Two Ctrl-C on a terminal come from the kernel: each one counts, however quick.
  SignalOrigin first{SIGINT, SI_KERNEL, 0, std::chrono::steady_clock::time_point(0ms)};
  SignalOrigin second{SIGINT, SI_KERNEL, 0, std::chrono::steady_clock::time_point(100ms)};
  EXPECT_FALSE(is_copy_of(first, second));
}

}  // namespace
}  // namespace mqtt_setup::cli
