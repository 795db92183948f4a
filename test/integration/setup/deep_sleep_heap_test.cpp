// "No heap after setup_connection()" (DESIGN.md, Memory) for the deep-sleep path: publishing,
// prepare_for_sleep() (waiting, disconnecting, stopping the thread, saving the state to
// Options::state_dir), and a second sleep that compares with the stored copy instead of
// writing. The broker is unreachable on purpose: the state then holds messages to save.
// Its own program: the allocation counter replaces malloc for the whole process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "integration/alloc/allocation_counter.hpp"
#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {
namespace {

namespace fs = std::filesystem;

Options sleepy(const std::string& client_id, const std::string& state_dir) {
  Options o;
  o.client_id = client_id;
  o.clean_session = false;
  o.state_dir = state_dir;
  o.attempts = 1;
  o.retry.first_ms = 20;
  o.retry.max_ms = 50;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

TEST(DeepSleepHeap, NothingAllocatedFromPublishToSavedState) {
  const fs::path dir = fs::temp_directory_path() / ("mqtt_setup_sleep_heap_" +
                                                    std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string id = "sleep_heap_" + std::to_string(::getpid());
  const codec::Bytes reading = codec::as_bytes("21.5");

  std::uint64_t allocations = 0;
  bool saved = false;
  std::size_t written = 0;
  {
    MQTTSetup device{"127.0.0.1:1", 0, std::nullopt, std::nullopt, sleepy(id, dir.string())};
    const Sender sender = device.setup_connection();
    alloc_test::start_counting();
    for (int i = 0; i < 20; ++i) (void)sender("sensors/temperature", 20 + i);
    (void)device.publish("sensors/temperature", reading, QoS::ExactlyOnce);
    auto slept = device.prepare_for_sleep(200);  // reconnect attempts meanwhile, then the save
    allocations = alloc_test::stop_counting();
    saved = slept.ok();
    written = saved ? slept->bytes_written : 0;
  }
  EXPECT_TRUE(saved);
  EXPECT_GT(written, 0u);
  EXPECT_EQ(allocations, 0u) << "allocations while publishing and saving for sleep";
  if (allocations != 0) alloc_test::print_recorded_sites();

  {  // Woken with the broker still unreachable: the same state is compared, not written.
    MQTTSetup device{"127.0.0.1:1", 0, std::nullopt, std::nullopt, sleepy(id, dir.string())};
    EXPECT_EQ(device.stats().session.queued, 21u);
    device.setup_connection();
    alloc_test::start_counting();
    auto slept = device.prepare_for_sleep(0);
    allocations = alloc_test::stop_counting();
    ASSERT_TRUE(slept.ok());
    EXPECT_EQ(slept->bytes_written, 0u);
  }
  EXPECT_EQ(allocations, 0u) << "allocations in a sleep that only compared";
  if (allocations != 0) alloc_test::print_recorded_sites();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace mqtt_setup
