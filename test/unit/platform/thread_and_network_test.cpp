// The connection's thread and network events of the POSIX port.
#include <gtest/gtest.h>

#include <atomic>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {
namespace {

TEST(BackgroundThread, RunsTheFunctionWithItsContext) {
  std::atomic<int> calls{0};
  std::thread thread = start_background_thread(
      [](void* context) { static_cast<std::atomic<int>*>(context)->fetch_add(1); }, &calls);
  ASSERT_TRUE(thread.joinable());
  thread.join();
  EXPECT_EQ(calls.load(), 1);
}

TEST(NetworkEvents, NoneOnPosixHosts) {
  // The facade then reconnects on its backoff schedule only (and says so at Debug).
  int context = 0;
  EXPECT_EQ(watch_network([](void*, bool) {}, &context), nullptr);
}

}  // namespace
}  // namespace mqtt_setup::platform
