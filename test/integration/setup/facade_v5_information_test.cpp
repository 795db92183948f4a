// 5.0 Request Problem Information / Request Response Information through the facade, against
// the scripted broker (mosquitto 2.0 never sends Response Information, asked or not): the
// CONNECT properties Options asks for, the CONNACK's Response Information in stats() and the
// log, and an acknowledgement with a reason string after problem information was turned off.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/needs_v5.hpp"
#include "support/fake_broker.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

// 5.0 CONNACK, [MQTT-3.2]: flags 0, reason 0, properties: Response Information (0x1A)
// "resp/esp32_info".
const test::Bytes kConnackWithResponseInformation = [] {
  const std::string info = "resp/esp32_info";
  test::Bytes props{0x1A, 0x00, static_cast<std::uint8_t>(info.size())};
  props.insert(props.end(), info.begin(), info.end());
  test::Bytes packet{0x20, static_cast<std::uint8_t>(3 + props.size()), 0x00, 0x00,
                     static_cast<std::uint8_t>(props.size())};
  packet.insert(packet.end(), props.begin(), props.end());
  return packet;
}();
const test::Bytes kConnack5{0x20, 0x03, 0x00, 0x00, 0x00};

/// The properties of a 5.0 CONNECT without will, user name or password: after the 10 bytes of
/// variable header ("MQTT", level, flags, keep-alive), [MQTT-3.1.2].
test::Bytes connect_properties(const test::RawPacket& connect) {
  const auto body = connect.body();
  if (body.size() < 11) return {};
  const std::size_t length = body[10];  // < 128 here: one byte
  return test::Bytes(body.begin() + 11, body.begin() + 11 + std::min(length, body.size() - 11));
}

struct Log {
  std::mutex mutex;
  std::vector<std::string> lines;
  bool has(std::string_view text) {
    std::lock_guard lock(mutex);
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

Options v5_options(std::string client_id, Log& log) {
  Options o;
  o.client_id = std::move(client_id);
  o.protocol = Protocol::V5;
  o.retry.first_ms = 50;
  o.retry.max_ms = 200;
  o.log_level = LogLevel::Info;
  o.log = [&log](LogLevel, std::string_view line) {
    std::lock_guard lock(log.mutex);
    log.lines.emplace_back(line);
  };
  return o;
}

TEST(FacadeV5Information, ResponseInformationAskedForKeptAndLogged) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  test::Bytes properties;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto connect = c->read_until(test::kConnect);
    ASSERT_TRUE(connect);
    properties = connect_properties(*connect);
    c->send(kConnackWithResponseInformation);
    c->hold(5s);
  });
  Log log;
  Options o = v5_options("esp32_info", log);
  o.request_response_information = true;
  o.request_problem_information = false;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  // Request Problem Information 0, Request Response Information 1 ([MQTT-3.1.2.11.6/7]).
  EXPECT_EQ(properties, (test::Bytes{0x17, 0x00, 0x19, 0x01, 0x22, 0x00, 0x0A}));  // + alias max 10
  EXPECT_EQ(mqtt.stats().response_information, "resp/esp32_info");
  EXPECT_TRUE(log.has("the broker's response information: \"resp/esp32_info\""));
  mqtt.disconnect();
  EXPECT_EQ(mqtt.stats().response_information, "resp/esp32_info");  // kept after the connection
}

TEST(FacadeV5Information, DefaultsSendNeitherProperty) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  test::Bytes properties{0xFF};
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto connect = c->read_until(test::kConnect);
    ASSERT_TRUE(connect);
    properties = connect_properties(*connect);
    c->send(kConnack5);
    c->hold(5s);
  });
  Log log;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, v5_options("esp32_noinfo", log)};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  EXPECT_EQ(properties, (test::Bytes{0x22, 0x00, 0x0A}));  // only Topic Alias Maximum 10
  EXPECT_EQ(mqtt.stats().response_information, "");
  EXPECT_FALSE(log.has("response information"));
}

// [MQTT-3.1.2-29]: problem information turned off, the broker still puts a reason string on a
// PUBACK: the connection ends as a protocol violation (and the client comes back).
TEST(FacadeV5Information, ReasonStringAfterProblemInformationOffEndsTheConnection) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  std::atomic<bool> reconnected{false};
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(kConnack5);
    auto publish = c->read_until(test::kPublish);
    ASSERT_TRUE(publish);
    const std::uint16_t id = *publish->packet_id();
    // PUBACK: id, reason 0, properties: Reason String (0x1F) "no".
    c->send(test::Bytes{0x40, 0x09, static_cast<std::uint8_t>(id >> 8),
                        static_cast<std::uint8_t>(id & 0xFF), 0x00, 0x05, 0x1F, 0x00, 0x02, 'n',
                        'o'});
    c->hold(5s);  // returns when the client closes
    auto again = b.accept(10s);
    ASSERT_TRUE(again);
    ASSERT_TRUE(again->read_until(test::kConnect));
    again->send(kConnack5);
    auto resent = again->read_until(test::kPublish);  // not acknowledged: sent again
    ASSERT_TRUE(resent);
    again->send(test::puback(*resent->packet_id()));
    reconnected = true;
    again->hold(5s);
  });
  Log log;
  Options o = v5_options("esp32_noproblem", log);
  o.request_problem_information = false;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  ASSERT_TRUE(mqtt.publish("sensors/t", codec::as_bytes("1"), QoS::AtLeastOnce).ok());
  for (int i = 0; i < 1000 && !reconnected; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(reconnected);
  EXPECT_TRUE(mqtt.flush(5000));
  EXPECT_GE(mqtt.stats().disconnects, 1u);
  EXPECT_TRUE(log.has("asked for no problem information")) << [&] {
    std::string all;
    for (const auto& l : log.lines) all += l + "\n";
    return all;
  }();
}

}  // namespace
}  // namespace mqtt_setup
