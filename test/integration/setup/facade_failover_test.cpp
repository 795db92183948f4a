// The facade's wiring of the driver's failover decisions (the decisions themselves are tested
// on a simulated clock in test/unit/driver/): Options::primary_return_ms takes a client on a
// secondary back to the primary.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/fake_broker.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

TEST(FacadeFailover, PrimaryReturnLeavesTheSecondaryForThePrimaryWhenItIsBack) {
  test::FakeBroker primary, secondary;
  ASSERT_TRUE(primary.ok() && secondary.ok());
  primary.run([](test::FakeBroker& b) {
    auto first = b.accept();
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->read_until(test::kConnect));
    first->send(test::connack(false, 3));  // server unavailable: the client fails over
    auto second = b.accept(20s);           // back after primary_return_ms
    ASSERT_TRUE(second);
    ASSERT_TRUE(second->read_until(test::kConnect));
    second->send(test::connack(false, 0));
    second->hold(500ms);
  });
  secondary.run([](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(test::connack(false, 0));
    EXPECT_TRUE(c->read_until(test::kDisconnect, 20s));  // left cleanly
  });
  Options o;
  o.client_id = "esp32_primary_return";
  o.servers = {{"127.0.0.1", secondary.port()}};
  o.retry.first_ms = 50;
  o.retry.max_ms = 200;
  o.primary_return_ms = 1'000;
  o.log = [](LogLevel, std::string_view) {};
  std::mutex mutex;
  std::vector<std::string> connected_to;
  MQTTSetup mqtt{at(primary), 0, std::nullopt, std::nullopt, o};
  mqtt.on_event([&](const ClientEvent& ev) {
    if (ev.kind != ClientEvent::Kind::Connected) return;
    std::lock_guard lock(mutex);
    connected_to.emplace_back(ev.server);
  });
  mqtt.setup_connection();
  EXPECT_TRUE(secondary.wait(20s));
  EXPECT_TRUE(primary.wait(20s));
  mqtt.disconnect();
  std::lock_guard lock(mutex);
  ASSERT_EQ(connected_to.size(), 2u);
  EXPECT_EQ(connected_to[0], at(secondary));
  EXPECT_EQ(connected_to[1], at(primary));
}

}  // namespace
}  // namespace mqtt_setup
