// No public call waits on the network: a broker that stops reading (the proxy stalls the link,
// so the client's socket buffer fills and stays full) must not slow is_connected(), stats() or
// the sender on another thread, nor publish() itself. Before the connection thread became the
// only writer, publish() wrote under the client's lock and a full socket held every caller for
// up to the 10 s send timeout.
//
// Figures are printed (max and p99 of each call); the assertion is a ceiling far above them and
// far below the old 10 s, so a loaded machine cannot fail it by chance.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"
#include "support/fault_proxy.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Timings {
  std::vector<double> ms;
  template <class F>
  void time(F&& call) {
    const auto start = Clock::now();
    call();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  double max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
  double p99() const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[sorted.size() * 99 / 100];
  }
  void print(const char* name) const {
    std::printf("no-blocking: %-14s %5zu calls  max %8.3f ms  p99 %7.3f ms\n", name, ms.size(),
                max(), p99());
  }
};

TEST(FaultProxy, StalledBrokerBlocksNoCallerWhileTenMegabytesArePublished) {
  const std::uint16_t broker = test::broker_port(test::kPlainBroker);
  if (broker == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::FaultProxy proxy({.upstream_port = broker});
  ASSERT_TRUE(proxy.ok());

  Options o;
  o.client_id = "no_blocking";
  o.keep_alive_s = 60;  // the stall must not end by a keep-alive timeout during the test
  o.queue_bytes = 1 << 20;
  o.qos = QoS::AtMostOnce;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());

  proxy.set_mode(test::FaultMode::Stall);
  constexpr std::size_t kPayload = 1024;
  constexpr std::size_t kMessages = 10 * 1024;  // 10 MB: far more than the socket buffers take
  const std::string payload(kPayload, 'x');
  std::atomic<bool> publishing{true};
  Timings publish_times;
  std::thread publisher([&] {
    for (std::size_t i = 0; i < kMessages; ++i) {
      publish_times.time(
          [&] { (void)mqtt.publish("bulk", codec::as_bytes(payload), QoS::AtMostOnce); });
      if (i % 16 == 0) std::this_thread::sleep_for(1ms);  // spread over the checker's calls
    }
    publishing = false;
  });

  Timings connected_times, stats_times, sender_times;
  for (int i = 0; i < 1000; ++i) {
    connected_times.time([&] { (void)mqtt.is_connected(); });
    stats_times.time([&] { (void)mqtt.stats(); });
    sender_times.time([&] { (void)sender("check", i); });
    std::this_thread::sleep_for(500us);
  }
  publisher.join();
  EXPECT_FALSE(publishing.load());

  publish_times.print("publish()");
  connected_times.print("is_connected()");
  stats_times.print("stats()");
  sender_times.print("sender()");
  const ClientStats s = mqtt.stats();
  const test::FaultProxyStats p = proxy.stats();
  std::printf("no-blocking: proxy took %llu of %zu bytes; client queued %u, dropped %llu\n",
              static_cast<unsigned long long>(p.bytes_up), kMessages * kPayload,
              static_cast<unsigned>(s.session.queued),
              static_cast<unsigned long long>(s.session.dropped));

  // The link really stalled: most of the 10 MB never reached the broker side.
  EXPECT_LT(p.bytes_up, kMessages * kPayload / 2);
  for (const Timings* t : {&publish_times, &connected_times, &stats_times, &sender_times}) {
    EXPECT_LT(t->max(), 1000.0) << "a call waited on the stalled link";
  }

  // The stall ends: the client is still (or again) connected and delivers.
  proxy.set_mode(test::FaultMode::Pass);
  const auto healed = Clock::now();
  while (Clock::now() - healed < 30s && !mqtt.flush(1000)) {
  }
  EXPECT_TRUE(mqtt.flush(1000));
  mqtt.disconnect();
}

// disconnect() gives a stalled link 2 s for its last words, not the 10 s a write may wait.
TEST(FaultProxy, DisconnectOnAStalledLinkReturnsAfterItsGrace) {
  const std::uint16_t broker = test::broker_port(test::kPlainBroker);
  if (broker == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::FaultProxy proxy({.upstream_port = broker});
  ASSERT_TRUE(proxy.ok());
  Options o;
  o.client_id = "no_blocking_disconnect";
  o.queue_bytes = 1 << 20;
  // The last words are what fits in the transmit buffer, then DISCONNECT: a large buffer, so
  // that they are more than the little room a stalled socket may still have.
  o.tx_buffer_size = 256 * 1024;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  proxy.set_mode(test::FaultMode::Stall);
  const std::string payload(1024, 'x');
  // Until the socket buffers are full (a few MB on loopback) and messages stay queued: the last
  // words cannot go. Bounded: 64 MB or 20 s.
  // Stalled: messages stayed queued and none was written for 2 s (a starved thread on a loaded
  // machine is not a full socket: it writes again well within that).
  const auto filling = Clock::now();
  bool stuck = false;
  Clock::time_point stuck_since = filling;
  std::uint64_t written = 0;
  bool stalled = false;
  for (int i = 0; i < 64 * 1024 && !stalled && Clock::now() - filling < 30s; ++i) {
    (void)mqtt.publish("bulk", codec::as_bytes(payload), QoS::AtMostOnce);
    if (i % 64 == 0) std::this_thread::sleep_for(1ms);
    const SessionStats now = mqtt.stats().session;
    if (now.queued <= 4 || now.delivered != written) {
      stuck = false;
      written = now.delivered;
    } else if (!stuck) {
      stuck = true;
      stuck_since = Clock::now();
    }
    stalled = stuck && Clock::now() - stuck_since >= 2s;
  }
  ASSERT_TRUE(stalled) << "the link never stalled";
  ASSERT_TRUE(mqtt.is_connected());
  const auto start = Clock::now();
  mqtt.disconnect();
  const double took = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("no-blocking: disconnect() on a stalled link took %.0f ms\n", took);
  EXPECT_LT(took, 6000.0);  // 2 s grace; 3x margin, and still below the old 10 s
  EXPECT_FALSE(mqtt.is_connected());
}

// Options::background = false: publish() writes what the socket takes at once, so a message
// leaves although nobody calls poll() (PubSubClient users expect it).
TEST(FaultProxy, PollModePublishWritesWithoutAPoll) {
  const std::uint16_t broker = test::broker_port(test::kPlainBroker);
  if (broker == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::FaultProxy proxy({.upstream_port = broker});
  ASSERT_TRUE(proxy.ok());
  Options o;
  o.client_id = "no_blocking_poll_mode";
  o.background = false;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  const std::uint64_t before = proxy.stats().bytes_up;
  ASSERT_TRUE(mqtt.publish("one", codec::as_bytes("hello"), QoS::AtMostOnce).ok());
  EXPECT_EQ(mqtt.stats().session.delivered, 1u);  // written inside publish()
  const auto start = Clock::now();
  while (proxy.stats().bytes_up == before && Clock::now() - start < 10s) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(proxy.stats().bytes_up, before) << "the PUBLISH did not leave without a poll()";
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
