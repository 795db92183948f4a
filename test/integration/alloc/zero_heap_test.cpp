// "No heap after setup_connection()" (DESIGN.md, Memory), proven against a real mosquitto:
// once setup_connection() has returned, 10,000 publishes at QoS 0 and 1, commands received
// and dispatched, a broker restart, the reconnect and the re-subscription allocate nothing.
// The broker is this test's own (fixture broker_alloc): it restarts it, which other tests
// sharing the `broker` fixture would not survive.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "allocation_counter.hpp"
#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

constexpr const char* kBroker = "alloc";
constexpr int kPublishes = 10'000;

// Polls `done` every 5 ms for up to `timeout`. Sleeping and atomics do not allocate.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  for (auto waited = 0ms; waited < timeout; waited += 5ms) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

struct Counters {
  std::atomic<int> connected{0};
  std::atomic<int> subscribed{0};
  std::atomic<int> commands{0};
};

// Publishes `count` messages, QoS 1 (the sender's default) and QoS 0 alternately, and waits
// for delivery every 500 so the bounded store never overflows. Returns the messages refused.
int publish_batch(MQTTSetup& mqtt, const Sender& sender, int first, int count) {
  int refused = 0;
  const codec::Bytes fast = codec::as_bytes("0.5");
  for (int i = first; i < first + count; ++i) {
    const bool ok = (i % 2 == 0) ? sender("sensors/count", i)
                                 : mqtt.publish("sensors/fast", fast, QoS::AtMostOnce).ok();
    if (!ok) ++refused;
    if (i % 500 == 499 && !mqtt.flush(10'000)) ++refused;
  }
  return refused;
}

TEST(ZeroHeap, NothingAllocatedAfterSetupConnection) {
  const std::uint16_t port = test::broker_port(kBroker);
  if (port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture broker_alloc)";

  Options options;
  options.client_id = "alloc_test_" + std::to_string(::getpid());
  options.retry.first_ms = 100;
  options.retry.max_ms = 400;
  options.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(port), 0, std::nullopt, std::nullopt, options};

  Counters counters;
  mqtt.on_event([&counters](const ClientEvent& e) {
    if (e.kind == ClientEvent::Kind::Connected) ++counters.connected;
    if (e.kind == ClientEvent::Kind::Subscribed && !e.refused) ++counters.subscribed;
  });
  mqtt.on_command("ping", [&counters](std::string_view, const Message&) { ++counters.commands; });
  const Sender sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  ASSERT_TRUE(wait_until([&] { return counters.subscribed >= 1; }, 5s));
  const std::string command_topic = mqtt.topic("commands/ping");
  const codec::Bytes command = codec::as_bytes("1");
  const std::string restart = std::string("bash '") + MQTT_SETUP_BROKER_SCRIPT + "' restart '" +
                              test::broker_dir() + "' " + kBroker + " >/dev/null";

  alloc_test::start_counting();

  // 1. Steady state: publishing, acknowledgements, a command received and dispatched.
  const int refused_before = publish_batch(mqtt, sender, 0, kPublishes);
  const bool command_sent = mqtt.publish_to_topic(command_topic, command, QoS::AtLeastOnce).ok();
  const bool command_handled = wait_until([&] { return counters.commands >= 1; }, 5s);

  // 2. The broker restarts: connection lost, reconnect with backoff, subscriptions renewed.
  int restart_status = 0;
  {
    const alloc_test::ExemptThisThread exempt;  // the test's own fork/exec of broker.sh
    restart_status = std::system(restart.c_str());
  }
  const bool reconnected = wait_until([&] { return counters.connected >= 2; }, 15s);
  const bool resubscribed = wait_until([&] { return counters.subscribed >= 2; }, 5s);

  // 3. Steady state again on the new connection.
  const int refused_after = publish_batch(mqtt, sender, kPublishes, 1'000);
  const bool command_after = mqtt.publish_to_topic(command_topic, command, QoS::AtLeastOnce).ok();
  const bool handled_after = wait_until([&] { return counters.commands >= 2; }, 5s);
  const bool flushed = mqtt.flush(10'000);

  const std::uint64_t allocations = alloc_test::stop_counting();

  // The scenario must really have happened, or zero allocations would prove nothing.
  EXPECT_EQ(restart_status, 0) << "broker.sh restart failed";
  EXPECT_EQ(refused_before, 0);
  EXPECT_TRUE(command_sent && command_handled) << "the command before the restart was not handled";
  EXPECT_TRUE(reconnected) << "no reconnect after the broker restart";
  EXPECT_TRUE(resubscribed) << "subscriptions were not renewed after the restart";
  EXPECT_EQ(refused_after, 0);
  EXPECT_TRUE(command_after && handled_after) << "the command after the restart was not handled";
  EXPECT_TRUE(flushed);
  EXPECT_GE(mqtt.stats().session.delivered, static_cast<std::uint64_t>(kPublishes + 1'000));

  EXPECT_EQ(allocations, 0u) << "heap allocations after setup_connection(); the first call "
                                "stacks are on stderr";
  if (allocations != 0) alloc_test::print_recorded_sites();
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
