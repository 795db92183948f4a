// Wakeup (tools/cli/wakeup.hpp): notify() writes to its self-pipe only when no wake-up is
// pending, so a burst of deliveries costs one write. What must hold: no notify() is ever lost.
// Every wait below has a 30 s deadline; a lost wake-up shows as a wait that ran into it.
// The narrowest race (a notify() between wait()'s drain and its clearing of the flag) is argued
// in wakeup.cpp; the threaded test below did not hit it when the order was deliberately wrong,
// so it guards against gross losses only.
#include "wakeup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace mqtt_setup::cli {
namespace {

constexpr auto kLostWakeup = std::chrono::seconds(30);

// Waits until notified; false when the wait ran into the deadline instead.
bool woken(Wakeup& wakeup) {
  const auto deadline = Clock::now() + kLostWakeup;
  wakeup.wait(deadline);
  return Clock::now() < deadline;
}

TEST(Wakeup, ANotifyBeforeTheWaitEndsIt) {
  Wakeup wakeup;
  wakeup.notify();
  EXPECT_TRUE(woken(wakeup));
}

TEST(Wakeup, ManyNotifiesAreOneWakeAndTheNextNotifyWakesAgain) {
  Wakeup wakeup;
  for (int i = 0; i < 1000; ++i) wakeup.notify();
  EXPECT_TRUE(woken(wakeup));
  // Nothing left over: a wait that should time out does (deadline already passed: poll(0)).
  wakeup.wait(Clock::now());
  wakeup.notify();  // the first since the drain: it must write again
  EXPECT_TRUE(woken(wakeup));
}

TEST(Wakeup, NoNotifyFromAnotherThreadIsLost) {
  // The pipe's flow-control pattern: a producer changes state, then notifies; the consumer
  // re-checks the state after every wait. Each round waits for the producer's next change.
  Wakeup wakeup;
  std::atomic<int> produced{0};
  std::atomic<int> consumed{0};
  constexpr int kRounds = 20'000;
  std::thread producer([&] {
    for (int i = 1; i <= kRounds; ++i) {
      while (consumed.load() < i - 1) std::this_thread::yield();  // one change at a time
      produced.store(i);
      wakeup.notify();
    }
  });
  bool lost = false;
  for (int i = 1; i <= kRounds && !lost; ++i) {
    while (produced.load() < i && !lost) lost = !woken(wakeup);
    consumed.store(i);
  }
  producer.join();
  EXPECT_FALSE(lost);
  EXPECT_EQ(consumed.load(), kRounds);
}

}  // namespace
}  // namespace mqtt_setup::cli
