// The seed's API against a real mosquitto (CTest fixtures `broker` and `broker_auth`).
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

std::string address(const char* broker) {
  return "127.0.0.1:" + std::to_string(test::broker_port(broker));
}

Options quiet(std::string client_id) {
  Options o;
  o.client_id = std::move(client_id);
  o.retry.first_ms = 100;
  o.retry.max_ms = 400;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

/// A second client that collects what arrives on a filter.
class Collector {
 public:
  Collector(const std::string& server, std::string_view filter)
      : client_(server, 0, std::nullopt, std::nullopt, quiet("collector_" + std::to_string(::getpid()))) {
    client_.on_message([this](const Message& m) {
      std::lock_guard lock(mutex_);
      lines_.push_back(std::string(m.topic) + " " + std::string(m.text()));
    });
    client_.on_event([this](const ClientEvent& e) {
      if (e.kind == ClientEvent::Kind::Subscribed) subscribed_ = true;
    });
    client_.setup_connection();
    client_.subscribe(filter, QoS::AtLeastOnce);
    for (int i = 0; i < 100 && !subscribed_; ++i) std::this_thread::sleep_for(20ms);
  }
  std::vector<std::string> wait_for(std::size_t count, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (lines_.size() >= count) break;
      }
      std::this_thread::sleep_for(10ms);
    }
    std::lock_guard lock(mutex_);
    return lines_;
  }
  MQTTSetup& client() { return client_; }

 private:
  MQTTSetup client_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::atomic<bool> subscribed_{false};
};

TEST(FacadeBroker, SeedThreeLinesPublishUnderTheDevicePrefix) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  Collector sub(address(test::kPlainBroker), "devices/esp32_seedtest/#");
  MQTTSetup mqtt{address(test::kPlainBroker), 0, std::nullopt, std::nullopt,
                 quiet("esp32_seedtest")};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  EXPECT_TRUE(sender("sensors/temperature", "23.5"));
  EXPECT_TRUE(sender("sensors/humidity", 65.2));
  EXPECT_TRUE(sender("status/battery", 85));
  EXPECT_TRUE(sender("status/charging", true));
  EXPECT_TRUE(mqtt.flush(5000));
  auto lines = sub.wait_for(4);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "devices/esp32_seedtest/sensors/temperature 23.5");
  EXPECT_EQ(lines[1], "devices/esp32_seedtest/sensors/humidity 65.2");
  EXPECT_EQ(lines[2], "devices/esp32_seedtest/status/battery 85");
  EXPECT_EQ(lines[3], "devices/esp32_seedtest/status/charging true");
  mqtt.disconnect();
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_FALSE(sender("sensors/temperature", 1));  // after disconnect: false, no crash
}

TEST(FacadeBroker, DefaultClientIdIsPlatformId) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  Options o = quiet("");
  MQTTSetup mqtt{address(test::kPlainBroker), 0, std::nullopt, std::nullopt, o};
  EXPECT_EQ(mqtt.client_id().rfind("linux_", 0), 0u);
  EXPECT_EQ(mqtt.topic("sensors/gas"), "devices/" + mqtt.client_id() + "/sensors/gas");
}

TEST(FacadeBroker, WrongCredentialsAreRefusedWithoutRetrying) {
  if (test::broker_port(test::kAuthBroker) == 0) GTEST_SKIP() << "no broker";
  MQTTSetup mqtt{address(test::kAuthBroker), 0, std::string(test::kAuthUser),
                 std::string("wrong"), quiet("esp32_badauth")};
  auto sender = mqtt.setup_connection();
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_FALSE(sender("sensors/temperature", 1));
  const Error e = mqtt.last_error();
  EXPECT_EQ(e.kind, Error::Kind::Refused);
  EXPECT_TRUE(e.refused == codec::ConnectReturnCode::BadUsernameOrPassword ||
              e.refused == codec::ConnectReturnCode::NotAuthorized);
  EXPECT_NE(e.message().find("refused"), std::string::npos);
  EXPECT_EQ(mqtt.stats().connect_attempts, 1u);
}

TEST(FacadeBroker, RightCredentialsConnect) {
  if (test::broker_port(test::kAuthBroker) == 0) GTEST_SKIP() << "no broker";
  MQTTSetup mqtt{address(test::kAuthBroker), 0, std::string(test::kAuthUser),
                 std::string(test::kAuthPassword), quiet("esp32_goodauth")};
  auto sender = mqtt.setup_connection();
  EXPECT_TRUE(mqtt.is_connected());
  EXPECT_TRUE(sender("status/online", "device_active"));
  EXPECT_TRUE(mqtt.flush(5000));
}

TEST(FacadeBroker, ClosedPortGivesUpAfterTheAttempts) {
  Options o = quiet("esp32_closed");
  o.attempts = 3;
  MQTTSetup mqtt{"127.0.0.1:1", 0, std::nullopt, std::nullopt, o};
  const auto start = std::chrono::steady_clock::now();
  auto sender = mqtt.setup_connection();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_FALSE(sender("a", 1));
  EXPECT_EQ(mqtt.stats().connect_attempts, 3u);
  EXPECT_EQ(mqtt.last_error().kind, Error::Kind::Unreachable);
  EXPECT_GE(elapsed, 100ms);  // two backoff waits of at least 50 ms and 100 ms
  EXPECT_LT(elapsed, 5s);
}

TEST(FacadeBroker, CommandsReachTheirHandler) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  MQTTSetup device{address(test::kPlainBroker), 0, std::nullopt, std::nullopt,
                   quiet("esp32_commands")};
  std::mutex mutex;
  std::vector<std::string> got;
  device.on_command("restart", [&](std::string_view name, const Message& m) {
    std::lock_guard lock(mutex);
    got.push_back(std::string(name) + "=" + std::string(m.text()));
  });
  device.on_command("#", [&](std::string_view name, const Message&) {
    std::lock_guard lock(mutex);
    got.push_back("other:" + std::string(name));
  });
  device.setup_connection();
  ASSERT_TRUE(device.is_connected());
  ASSERT_TRUE(device.flush(5000));  // SUBACK received

  MQTTSetup backend{address(test::kPlainBroker), 0, std::nullopt, std::nullopt,
                    quiet("backend_commands")};
  backend.setup_connection();
  const std::string now = "now";
  ASSERT_TRUE(backend.publish_to_topic("devices/esp32_commands/commands/restart",
                                       codec::as_bytes(now), QoS::AtLeastOnce).ok());
  ASSERT_TRUE(backend.publish_to_topic("devices/esp32_commands/commands/configuration",
                                       codec::as_bytes(now), QoS::AtLeastOnce).ok());
  ASSERT_TRUE(backend.flush(5000));
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mutex);
      if (got.size() >= 2) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], "restart=now");
  EXPECT_EQ(got[1], "other:configuration");
}

TEST(FacadeBroker, PollModeWithoutThread) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  Collector sub(address(test::kPlainBroker), "devices/esp32_pollmode/#");
  Options o = quiet("esp32_pollmode");
  o.background = false;
  MQTTSetup mqtt{address(test::kPlainBroker), 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(sender("sensors/count", i));
  EXPECT_TRUE(mqtt.flush(5000));
  EXPECT_EQ(sub.wait_for(10).size(), 10u);
  EXPECT_EQ(mqtt.stats().session.delivered, 10u);
}

TEST(FacadeBroker, CleanDisconnectDiscardsTheWill) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  Collector sub(address(test::kPlainBroker), "devices/esp32_will/status/online");
  Options o = quiet("esp32_will");
  o.will = LastWill{};
  o.keep_alive_s = 1;
  {
    MQTTSetup mqtt{address(test::kPlainBroker), 0, std::nullopt, std::nullopt, o};
    mqtt.setup_connection();
    ASSERT_TRUE(mqtt.is_connected());
    // A clean DISCONNECT discards the will [MQTT-3.14.4-3]; nothing may arrive.
  }
  EXPECT_TRUE(sub.wait_for(1, 1500ms).empty());
}

}  // namespace
}  // namespace mqtt_setup
