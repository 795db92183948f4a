// The facade against a scripted broker: exact bytes, dead links, resends, hostile packets.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>
#include <thread>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/fake_broker.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

Options fast(std::string client_id) {
  Options o;
  o.client_id = std::move(client_id);
  o.retry.first_ms = 50;
  o.retry.max_ms = 200;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

TEST(FacadeFakeBroker, DeadLinkIsDetectedAndReplaced) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  std::chrono::steady_clock::time_point second_connect;
  broker.run([&](test::FakeBroker& b) {
    auto first = b.accept();
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->read_until(test::kConnect));
    first->send(test::connack(false, 0));
    first->hold(20s);  // answers nothing, not even PINGRESP
    auto second = b.accept(20s);
    ASSERT_TRUE(second);
    second_connect = std::chrono::steady_clock::now();
    ASSERT_TRUE(second->read_until(test::kConnect));
    second->send(test::connack(false, 0));
    second->hold(1s);
  });
  Options o = fast("esp32_deadlink");
  o.keep_alive_s = 2;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  const auto start = std::chrono::steady_clock::now();
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  ASSERT_TRUE(broker.wait(30s));
  const auto detection = second_connect - start;
  EXPECT_GE(detection, 2s);
  // Nominally 1.5 x keep-alive + backoff, ~3.1 s. On the wall clock the bound is 5x that (a
  // wiring test: the exact bound belongs to a simulated clock), still far below "never".
  EXPECT_LE(detection, 5 * (3s + 100ms));
  bool pinged = false;
  for (const auto& p : broker.received()) pinged = pinged || p.type() == test::kPingreq;
  EXPECT_TRUE(pinged);
}

TEST(FacadeFakeBroker, UnacknowledgedMessageIsResentWithDupAfterReconnect) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    auto first = b.accept();
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->read_until(test::kConnect));
    first->send(test::connack(false, 0));
    auto publish = first->read_until(test::kPublish);
    ASSERT_TRUE(publish);
    EXPECT_EQ(publish->flags() & 0x08, 0);
    first->reset();  // the link dies before PUBACK
    auto second = b.accept();
    ASSERT_TRUE(second);
    ASSERT_TRUE(second->read_until(test::kConnect));
    second->send(test::connack(true, 0));
    auto again = second->read_until(test::kPublish);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->flags() & 0x08, 0x08);  // DUP [MQTT-3.3.1-1]
    EXPECT_EQ(again->packet_id(), publish->packet_id());
    EXPECT_EQ(again->topic(), "devices/esp32_resend/sensors/temperature");
    second->send(test::puback(*again->packet_id()));
    second->hold(2s);
  });
  Options o = fast("esp32_resend");
  o.clean_session = false;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  EXPECT_TRUE(sender("sensors/temperature", 23.5));
  EXPECT_TRUE(mqtt.flush(5000));
  EXPECT_EQ(mqtt.stats().session.resent, 1u);
  mqtt.disconnect();
  EXPECT_TRUE(broker.wait(5s));
}

TEST(FacadeFakeBroker, Qos2AnsweredWithPubackIsDeliveredAtQos1) {
  // RabbitMQ 3.x answers a QoS 2 PUBLISH with PUBACK: flush() must not wait out its timeout.
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(test::connack(false, 0));
    auto publish = c->read_until(test::kPublish);
    ASSERT_TRUE(publish);
    EXPECT_EQ(publish->qos(), 2);
    c->send(test::puback(*publish->packet_id()));
    c->hold(2s);
  });
  Options o = fast("esp32_rabbit_qos2");
  o.qos = QoS::ExactlyOnce;
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  o.log_level = LogLevel::Info;
  o.log = [&](LogLevel, std::string_view line) {
    const std::lock_guard guard(lines_mutex);
    lines.emplace_back(line);
  };
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  EXPECT_TRUE(sender("sensors/temperature", 23.5));
  EXPECT_TRUE(mqtt.flush(5000));
  EXPECT_EQ(mqtt.stats().session.qos2_acked_as_qos1, 1u);
  EXPECT_EQ(mqtt.stats().session.unknown_acks, 0u);
  mqtt.disconnect();
  const std::lock_guard guard(lines_mutex);
  int said = 0;
  for (const auto& l : lines) said += l.find("downgrades QoS 2 to 1") != std::string::npos;
  EXPECT_EQ(said, 1);
}

TEST(FacadeFakeBroker, MalformedConnackIsAProtocolError) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    for (int i = 0; i < 3; ++i) {
      auto c = b.accept(3s);
      if (!c) return;
      c->read_until(test::kConnect);
      c->send({0x20, 0x02, 0x02, 0x00});  // reserved acknowledge flag bit set [MQTT-3.2.2.1]
      c->hold(500ms);
    }
  });
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, fast("esp32_malformed")};
  auto sender = mqtt.setup_connection();
  EXPECT_FALSE(sender("a", 1));
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_EQ(mqtt.last_error().kind, Error::Kind::Protocol);
  EXPECT_NE(mqtt.last_error().message().find("malformed"), std::string::npos);
  mqtt.disconnect();
}

TEST(FacadeFakeBroker, GarbageAfterConnectDropsTheConnectionAndReconnects) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    auto first = b.accept();
    ASSERT_TRUE(first);
    first->read_until(test::kConnect);
    first->send(test::connack(false, 0));
    first->send({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F});  // 5-byte remaining length
    first->hold(2s);
    auto second = b.accept(5s);
    ASSERT_TRUE(second);
    second->read_until(test::kConnect);
    second->send(test::connack(false, 0));
    second->hold(1s);
  });
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, fast("esp32_garbage")};
  mqtt.setup_connection();
  EXPECT_TRUE(broker.wait(10s));
  EXPECT_EQ(broker.connections(), 2);
  EXPECT_GE(mqtt.stats().disconnects, 1u);
}

TEST(FacadeFakeBroker, PollModeKeepsTheConnectionAlive) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_until(test::kConnect);
    c->send(test::connack(false, 0));
    for (int i = 0; i < 2; ++i) {
      auto ping = c->read_until(test::kPingreq, 3s);
      ASSERT_TRUE(ping);
      c->send(test::pingresp());
    }
    c->hold(5s);  // until the client leaves
  });
  Options o = fast("esp32_pollping");
  o.background = false;
  o.keep_alive_s = 1;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  mqtt.poll(2500);
  EXPECT_TRUE(mqtt.is_connected());
  mqtt.disconnect();
  EXPECT_TRUE(broker.wait(2s));
  int pings = 0;
  for (const auto& p : broker.received()) pings += p.type() == test::kPingreq ? 1 : 0;
  EXPECT_GE(pings, 2);
}

TEST(FacadeFakeBroker, NetworkEventsPauseAndResumeReconnecting) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    for (int i = 0; i < 2; ++i) {
      auto c = b.accept(10s);
      if (!c) return;
      c->read_until(test::kConnect);
      c->send(test::connack(false, 0));
      c->hold(5s);  // until the client leaves
    }
  });
  Options o = fast("esp32_network");
  o.retry.first_ms = 30'000;  // a backoff the "network up" event must cut short
  o.retry.max_ms = 60'000;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  mqtt.network_changed(false);
  const auto down = std::chrono::steady_clock::now();
  while (mqtt.is_connected() && std::chrono::steady_clock::now() - down < 10s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(mqtt.is_connected());
  std::this_thread::sleep_for(500ms);  // room for an attempt that must not come
  EXPECT_EQ(broker.connections(), 1);  // no attempts while the network is down
  const auto up = std::chrono::steady_clock::now();
  mqtt.network_changed(true);
  while (!mqtt.is_connected() && std::chrono::steady_clock::now() - up < 10s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(mqtt.is_connected());
  // At once, not after the 30 s backoff; 6 s is far from both.
  EXPECT_LT(std::chrono::steady_clock::now() - up, 6s);
  mqtt.disconnect();
}

// Every false from sender() leaves its reason in last_error(), naming what to change.
TEST(FacadeFakeBroker, EveryFalseFromTheSenderLeavesAReason) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  broker.run([](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(test::connack(false, 0));
    c->hold(3s);
  });
  Options o = fast("esp32_reasons");
  o.tx_buffer_size = 256;
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, o};
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());
  EXPECT_FALSE(mqtt.last_error());

  EXPECT_FALSE(sender("sensors/big", std::string(1000, 'x')));  // over tx_buffer_size
  EXPECT_EQ(mqtt.last_error().session, SessionError::TooLarge);
  EXPECT_NE(mqtt.last_error().message().find("Options::tx_buffer_size"), std::string::npos)
      << mqtt.last_error().message();

  EXPECT_FALSE(sender("a/+", 1));  // a wildcard in a topic name
  EXPECT_EQ(mqtt.last_error().session, SessionError::InvalidTopic);
  EXPECT_NE(mqtt.last_error().message().find("without + or #"), std::string::npos)
      << mqtt.last_error().message();

  EXPECT_FALSE(sender(std::string(300, 's'), 1));  // a suffix longer than the buffers
  EXPECT_EQ(mqtt.last_error().session, SessionError::TooLarge);

  EXPECT_FALSE(sender("", 1));
  EXPECT_EQ(mqtt.last_error().session, SessionError::InvalidTopic);
  EXPECT_EQ(mqtt.stats().disconnects, 0u);
  mqtt.disconnect();
  EXPECT_EQ(mqtt.stats().disconnects, 1u);  // a connection closed by us counts too
}

}  // namespace
}  // namespace mqtt_setup
