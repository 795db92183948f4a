// "Never lose a message": 2,000 numbered messages published through a proxy that cuts the
// connection at random byte counts (mid-packet included, both directions) at least ten times,
// counted by a subscriber straight on mosquitto.
//   QoS 1, clean session:      0 lost (duplicates are QoS 1's right).
//   QoS 2, persistent session: 0 lost and 0 duplicated.
// The proxy prints its seed; MQTT_SETUP_FAULT_SEED=N replays the same cut points.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "numbered_messages.hpp"
#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"
#include "support/fault_proxy.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMessages = 2000;
constexpr std::uint64_t kMinResets = 10;

// Per run: a persistent session left by an earlier run must not meet this one.
std::string unique(const char* base) {
  return std::string(base) + "_" + std::to_string(::getpid()) + "_" +
         std::to_string(std::random_device{}() % 100000);
}

struct DeliveryResult {
  std::uint64_t resets = 0;
  ClientStats stats;
};

DeliveryResult publish_through_resets(test::Tally& tally, QoS qos, bool clean_session) {
  DeliveryResult result;
  const std::uint16_t broker = test::broker_port(test::kPlainBroker);
  test::FaultProxy proxy({.upstream_port = broker});
  EXPECT_TRUE(proxy.ok());
  ::testing::Test::RecordProperty("fault_seed", std::to_string(proxy.seed()));

  const std::string publisher_id = unique(qos == QoS::ExactlyOnce ? "fault_q2" : "fault_q1");
  test::TallySubscriber subscriber("127.0.0.1:" + std::to_string(broker), publisher_id + "_sub",
                                   "devices/" + publisher_id + "/#", tally);
  EXPECT_TRUE(subscriber.wait_subscribed(5s));

  Options o;
  o.client_id = publisher_id;
  o.clean_session = clean_session;
  o.keep_alive_s = 5;
  o.retry.first_ms = 20;
  o.retry.max_ms = 200;
  o.queue_messages = kMessages + 100;
  o.queue_bytes = 512 * 1024;
  o.log = [](LogLevel, std::string_view) {};
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(proxy.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  EXPECT_TRUE(mqtt.is_connected());

  // ~35 bytes per PUBLISH: cuts every 100..3000 bytes give dozens of resets over 2,000 messages.
  proxy.set_reset_range(100, 3000);
  proxy.set_mode(test::FaultMode::Reset);
  for (int i = 0; i < kMessages; ++i) {
    const std::string payload = std::to_string(i);
    auto ticket = mqtt.publish("seq", codec::as_bytes(payload), qos);
    EXPECT_TRUE(ticket.ok()) << "message " << i << ": " << ticket.error().message();
    if (i % 50 == 49) std::this_thread::sleep_for(10ms);  // let the link live and die meanwhile
  }
  // Keep cutting until enough resets happened (bounded), then let the link heal.
  const auto cutting = Clock::now();
  while (proxy.stats().resets < kMinResets && Clock::now() - cutting < 20s &&
         mqtt.stats().session.queued > 0) {
    std::this_thread::sleep_for(20ms);
  }
  proxy.set_mode(test::FaultMode::Pass);
  EXPECT_TRUE(mqtt.flush(30'000)) << mqtt.stats().session.queued << " still queued";
  EXPECT_TRUE(tally.wait_complete(10s));
  std::this_thread::sleep_for(300ms);  // late duplicates, if any, arrive now
  EXPECT_TRUE(subscriber.disconnects().empty())
      << "the subscriber's own link broke; the tally is not about the publisher";
  EXPECT_FALSE(test::broker_dropped_for(test::broker_dir() + "/plain/mosquitto.log",
                                        publisher_id + "_sub"))
      << "harness: mosquitto dropped messages for the subscriber (its queue limit)";
  result.resets = proxy.stats().resets;
  result.stats = mqtt.stats();
  mqtt.disconnect();
  return result;
}

TEST(FaultProxyDelivery, QoS1ThroughRandomResetsLosesNothing) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::Tally tally(kMessages);
  const auto r = publish_through_resets(tally, QoS::AtLeastOnce, /*clean_session=*/true);
  EXPECT_GE(r.resets, kMinResets);
  EXPECT_EQ(tally.lost_count(), 0) << "lost: " << test::describe_numbers(tally.lost());
  EXPECT_EQ(tally.foreign(), 0);
  EXPECT_EQ(r.stats.session.delivered, static_cast<std::uint64_t>(kMessages));
  std::printf("QoS 1: %llu resets, %llu resent, %zu numbers duplicated, %llu reconnects\n",
              static_cast<unsigned long long>(r.resets),
              static_cast<unsigned long long>(r.stats.session.resent), tally.duplicated().size(),
              static_cast<unsigned long long>(r.stats.connect_attempts));
}

TEST(FaultProxyDelivery, QoS2PersistentSessionThroughRandomResetsLosesAndDuplicatesNothing) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker: run through ctest";
  test::Tally tally(kMessages);
  const auto r = publish_through_resets(tally, QoS::ExactlyOnce, /*clean_session=*/false);
  EXPECT_GE(r.resets, kMinResets);
  EXPECT_EQ(tally.lost_count(), 0) << "lost: " << test::describe_numbers(tally.lost());
  EXPECT_TRUE(tally.duplicated().empty())
      << "duplicated: " << test::describe_numbers(tally.duplicated());
  EXPECT_EQ(tally.foreign(), 0);
  EXPECT_EQ(r.stats.session.delivered, static_cast<std::uint64_t>(kMessages));
  std::printf("QoS 2: %llu resets, %llu resent, %llu reconnects\n",
              static_cast<unsigned long long>(r.resets),
              static_cast<unsigned long long>(r.stats.session.resent),
              static_cast<unsigned long long>(r.stats.connect_attempts));
}

}  // namespace
}  // namespace mqtt_setup
