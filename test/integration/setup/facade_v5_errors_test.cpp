// The facade on 5.0 against a scripted broker that breaks the protocol: the client says why in
// a DISCONNECT with a reason code before it closes ([MQTT-4.13.1]), then reconnects as usual.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/fake_broker.hpp"
#include "support/needs_v5.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

const test::Bytes kConnackV5 = {0x20, 0x03, 0x00, 0x00, 0x00};  // accepted, no properties

Options fast_v5(std::string client_id) {
  Options o;
  o.client_id = std::move(client_id);
  o.protocol = Protocol::V5;
  o.retry.first_ms = 50;
  o.retry.max_ms = 200;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

/// The broker sends `bad` after CONNACK and expects DISCONNECT with `reason`, then the close.
void expect_farewell(const test::Bytes& bad, std::uint8_t reason, const char* client_id) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  bool closed_after = false;
  std::optional<test::RawPacket> last;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(kConnackV5);
    c->send(bad);
    last = c->read_until(test::kDisconnect, 10s);
    if (!last) return;
    // Nothing after it: the next read ends with the client's close.
    closed_after = !c->read_packet(10s) && c->last_status() == test::ReadStatus::PeerClosed;
    auto again = b.accept(10s);  // and the client comes back, as after any lost link
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->read_until(test::kConnect));
    again->send(kConnackV5);
    again->hold(300ms);
  });
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, fast_v5(client_id)};
  mqtt.setup_connection();
  ASSERT_TRUE(broker.wait(30s));
  ASSERT_TRUE(last) << "no DISCONNECT before the close";
  ASSERT_GE(last->body().size(), 1u);
  EXPECT_EQ(last->body()[0], reason);
  EXPECT_GT(last->body().size(), 2u) << "no reason string";
  EXPECT_TRUE(closed_after);
  mqtt.disconnect();
}

TEST(FacadeV5Errors, MalformedPacketGetsDisconnect0x81ThenTheClose) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  // PUBLISH whose topic length (16) runs past the packet's end.
  expect_farewell({0x30, 0x04, 0x00, 0x10, 'a', 'b'}, 0x81, "esp32_farewell_malformed");
}

TEST(FacadeV5Errors, UnexpectedPacketGetsDisconnect0x82ThenTheClose) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  expect_farewell({0xC0, 0x00}, 0x82, "esp32_farewell_pingreq");  // PINGREQ from a server
}

TEST(FacadeV5Errors, UnknownTopicAliasGetsDisconnect0x94ThenTheClose) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  // PUBLISH QoS 0, empty topic, properties: topic alias 1, which was never set.
  expect_farewell({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'x'}, 0x94,
                  "esp32_farewell_alias");
}

TEST(FacadeV5IncomingAlias, TheBrokersAliasesResolveToTheirTopics) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  bool announced = false;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto connect = c->read_until(test::kConnect);
    ASSERT_TRUE(connect);
    // CONNECT properties carry Topic Alias Maximum (0x22) = 10, the Linux default.
    const std::vector<std::uint8_t> property = {0x22, 0x00, 0x0A};
    const auto body = connect->body();
    announced = std::search(body.begin(), body.end(), property.begin(), property.end()) != body.end();
    c->send(kConnackV5);
    // "fleet/cmd" with topic alias 1, then alias 1 alone (empty topic), then the same again.
    c->send({0x30, 0x10, 0x00, 0x09, 'f', 'l', 'e', 'e', 't', '/', 'c', 'm', 'd',
             0x03, 0x23, 0x00, 0x01, 'a'});
    c->send({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'b'});
    c->send({0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 'c'});
    c->hold(3s);
  });
  std::mutex mutex;
  std::vector<std::string> seen;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, fast_v5("esp32_alias_in")};
  mqtt.on_message([&](const Message& m) {
    const std::lock_guard guard(mutex);
    seen.push_back(std::string(m.topic) + " " + std::string(m.text()));
  });
  mqtt.setup_connection();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      const std::lock_guard guard(mutex);
      if (seen.size() >= 3) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(announced);
  {
    const std::lock_guard guard(mutex);
    EXPECT_EQ(seen, (std::vector<std::string>{"fleet/cmd a", "fleet/cmd b", "fleet/cmd c"}));
  }
  EXPECT_TRUE(mqtt.is_connected());
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
