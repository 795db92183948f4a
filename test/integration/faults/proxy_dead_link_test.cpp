// A link that goes silent without an error (the proxy blackholes it) is found by keep-alive and
// replaced: PINGREQ after a keep-alive of silence, no answer within half a keep-alive more,
// then a new connection after the first backoff step.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"
#include "support/fault_proxy.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(FaultProxy, BlackholedLinkIsReplacedWithinOneAndAHalfKeepAlives) {
  const std::uint16_t broker = test::broker_port(test::kPlainBroker);
  if (broker == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::FaultProxy proxy({.upstream_port = broker});
  ASSERT_TRUE(proxy.ok());

  Options o;
  o.client_id = "fault_deadlink";
  o.keep_alive_s = 2;
  o.retry.first_ms = 100;
  o.retry.max_ms = 800;
  o.log = [](LogLevel, std::string_view) {};
  std::mutex mutex;
  std::string dead_link_error;
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.on_event([&](const ClientEvent& ev) {
    std::lock_guard lock(mutex);
    if (ev.kind == ClientEvent::Kind::Disconnected && dead_link_error.empty()) {
      dead_link_error = ev.error.message();
    }
  });
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  ASSERT_EQ(proxy.stats().accepted, 1u);

  const auto blackholed = Clock::now();
  proxy.set_mode(test::FaultMode::Blackhole);
  // Nominally 1.5 x keep-alive + the first backoff (100 ms) = 3.1 s. On the wall clock this is
  // a wiring test (the keep-alive really finds a silent link and the client really reconnects):
  // its ceiling is 5x the nominal time, so a loaded machine cannot fail it by chance. The exact
  // bound belongs to a test on a simulated clock.
  constexpr auto kNominal = 3s + 100ms;
  while (proxy.accept_times().size() < 2 && Clock::now() - blackholed < 6 * kNominal) {
    std::this_thread::sleep_for(10ms);
  }
  const auto accepts = proxy.accept_times();
  ASSERT_GE(accepts.size(), 2u) << "no new connection within 18.6 s of the link going dead";
  const auto detected = accepts[1] - blackholed;
  // Not at once (the link gave no error: only the unanswered PINGREQ can tell), not much later.
  EXPECT_GE(detected, 900ms);
  EXPECT_LE(detected, 5 * kNominal)
      << std::chrono::duration_cast<std::chrono::milliseconds>(detected).count() << " ms";
  {
    std::lock_guard lock(mutex);
    EXPECT_NE(dead_link_error.find("no answer to PINGREQ"), std::string::npos) << dead_link_error;
  }

  // The network heals: the client gets back to the broker and delivers.
  proxy.set_mode(test::FaultMode::Pass);
  const auto healed = Clock::now();
  while (!mqtt.is_connected() && Clock::now() - healed < 10s) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(mqtt.is_connected());
  ASSERT_TRUE(mqtt.publish("sensors/t", codec::as_bytes("1"), QoS::AtLeastOnce).ok());
  EXPECT_TRUE(mqtt.flush(5000));
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
