// MQTTSetup over TLS (Options::tls) against mosquitto: publish and receive, messages bigger than
// what one receive() takes, refusals reported as Error::Kind::Tls with the certificate named in
// the log, the insecure and port-8883 warnings, and a reconnect after a broker restart.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "tls_brokers.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
namespace tls = test::tls;

#define REQUIRE_BROKER(name)                                                  \
  const std::uint16_t port = test::broker_port(name);                        \
  if (port == 0) GTEST_SKIP() << "no '" << (name) << "' broker: run through ctest"

template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

// Log lines and received messages, collected from the client's threads.
struct Record {
  std::mutex mutex;
  std::vector<std::string> log;
  std::vector<std::string> messages;
  std::atomic<int> connected{0};
  std::atomic<int> subscribed{0};

  void attach(MQTTSetup& mqtt) {
    mqtt.on_message([this](const Message& m) {
      const std::lock_guard lock(mutex);
      messages.emplace_back(m.text());
    });
    mqtt.on_event([this](const ClientEvent& e) {
      if (e.kind == ClientEvent::Kind::Connected) ++connected;
      if (e.kind == ClientEvent::Kind::Subscribed) ++subscribed;
    });
  }
  std::size_t message_count() {
    const std::lock_guard lock(mutex);
    return messages.size();
  }
  bool logged(std::string_view text) {
    const std::lock_guard lock(mutex);
    for (const auto& line : log) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::string all_log() {
    const std::lock_guard lock(mutex);
    std::string all;
    for (const auto& line : log) all += line + "\n";
    return all;
  }
};

Options tls_options(Record& record, const std::string& client_id) {
  Options o;
  o.client_id = client_id + "_" + std::to_string(::getpid());
  o.retry.first_ms = 100;
  o.retry.max_ms = 400;
  o.tls = tls::trusting_test_ca();
  o.log_level = LogLevel::Warning;
  o.log = [&record](LogLevel, std::string_view text) {
    const std::lock_guard lock(record.mutex);
    record.log.emplace_back(text);
  };
  return o;
}

std::string server(std::uint16_t port) { return "localhost:" + std::to_string(port); }

TEST(TlsFacade, PublishesAndReceivesOverTls) {
  REQUIRE_BROKER(tls::kTrusted);
  Record record;
  MQTTSetup mqtt{server(port), 0, std::nullopt, std::nullopt, tls_options(record, "tls_facade")};
  record.attach(mqtt);
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected()) << record.all_log();
  ASSERT_TRUE(mqtt.subscribe(mqtt.topic("sensors/#"), QoS::AtLeastOnce));
  ASSERT_TRUE(wait_until([&] { return record.subscribed > 0; }, 5s));
  EXPECT_TRUE(sender("sensors/temperature", 23.5));
  ASSERT_TRUE(mqtt.flush(5000));
  ASSERT_TRUE(wait_until([&] { return record.message_count() == 1; }, 5s));
  EXPECT_EQ(record.messages[0], "23.5");
  mqtt.disconnect();
}

// Messages of 3 KB through a 4 KB receive buffer: a receive() that fills the buffer leaves the
// rest of a record decrypted inside mbedTLS, where a poll() on the socket cannot see it. When
// the driver's read loop ends there (it stops after 16 reads), it must read on at once, not
// sleep until the next keep-alive deadline (60 s here). To make that moment certain, each
// burst waits in the kernel's socket buffer while a message handler holds the driver, and the
// bursts take every length from 1 to 24 messages, so the 16th read ends inside the last
// record for some of them whatever the alignment.
TEST(TlsFacade, DecryptedBytesLeftInMbedTlsAreReadWithoutWaiting) {
  REQUIRE_BROKER(tls::kTrusted);
  Record record;
  Options options = tls_options(record, "tls_large");
  options.rx_buffer_size = 4096;
  options.tx_buffer_size = 4096;
  options.queue_bytes = 256 * 1024;
  options.keep_alive_s = 60;
  MQTTSetup mqtt{server(port), 0, std::nullopt, std::nullopt, options};
  std::atomic<int> big{0};
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  mqtt.on_message([&](const Message& m) {
    if (m.topic.ends_with("/gate")) {
      holding = true;
      for (int i = 0; i < 300 && !release; ++i) std::this_thread::sleep_for(10ms);
      holding = false;
    } else if (m.payload.size() == 3000) {
      ++big;
    }
  });
  mqtt.on_event([&](const ClientEvent& e) {
    if (e.kind == ClientEvent::Kind::Subscribed) ++record.subscribed;
  });
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected()) << record.all_log();
  ASSERT_TRUE(mqtt.subscribe(mqtt.topic("#"), QoS::AtMostOnce));
  ASSERT_TRUE(wait_until([&] { return record.subscribed > 0; }, 5s));

  const std::string payload(3000, 'x');
  int expected = 0;
  for (int burst = 1; burst <= 24; ++burst) {
    release = false;
    ASSERT_TRUE(mqtt.publish("gate", codec::as_bytes("hold"), QoS::AtMostOnce).ok());
    ASSERT_TRUE(wait_until([&] { return holding.load(); }, 3s)) << "burst " << burst;
    for (int i = 0; i < burst; ++i) {
      ASSERT_TRUE(mqtt.publish("big", codec::as_bytes(payload), QoS::AtMostOnce).ok());
    }
    expected += burst;
    std::this_thread::sleep_for(50ms);  // the broker forwards them into our socket buffer
    release = true;
    EXPECT_TRUE(wait_until([&] { return big.load() == expected; }, 3s))
        << "burst of " << burst << ": " << big.load() - (expected - burst) << " arrived";
    if (big.load() != expected) break;
  }
  release = true;
  mqtt.disconnect();
}

TEST(TlsFacade, UntrustedBrokerIsATlsErrorNamingTheCertificate) {
  REQUIRE_BROKER(tls::kSelfSigned);
  Record record;
  Options options = tls_options(record, "tls_refused");
  options.attempts = 1;
  MQTTSetup mqtt{server(port), 0, std::nullopt, std::nullopt, options};
  (void)mqtt.setup_connection();
  EXPECT_FALSE(mqtt.is_connected());
  const Error error = mqtt.last_error();
  EXPECT_EQ(error.kind, Error::Kind::Tls);
  EXPECT_EQ(error.transport, TransportError::TlsUntrusted);
  EXPECT_NE(error.message().find("not signed by a trusted CA"), std::string::npos)
      << error.message();
  EXPECT_TRUE(record.logged("self-signed")) << record.all_log();
  mqtt.disconnect();
}

TEST(TlsFacade, InsecureWarnsOnEveryConnect) {
  REQUIRE_BROKER(tls::kSelfSigned);
  Record record;
  Options options = tls_options(record, "tls_insecure");
  options.tls.ca_file.clear();
  options.tls.insecure = true;
  MQTTSetup mqtt{server(port), 0, std::nullopt, std::nullopt, options};
  mqtt.setup_connection();
  EXPECT_TRUE(mqtt.is_connected()) << record.all_log();
  EXPECT_TRUE(record.logged("verification is OFF")) << record.all_log();
  mqtt.disconnect();
}

TEST(TlsFacade, Port8883WithoutTlsIsWarnedAbout) {
  Record record;
  Options options = tls_options(record, "tls_8883");
  options.tls = {};
  options.attempts = 1;
  options.connect_timeout_ms = 500;
  MQTTSetup mqtt{"127.0.0.1:8883", 0, std::nullopt, std::nullopt, options};
  mqtt.setup_connection();
  EXPECT_TRUE(record.logged("8883 without TLS")) << record.all_log();
  mqtt.disconnect();
}

TEST(TlsFacade, ReconnectsOverTlsAfterABrokerRestart) {
  REQUIRE_BROKER(tls::kRestart);
  Record record;
  MQTTSetup mqtt{server(port), 0, std::nullopt, std::nullopt, tls_options(record, "tls_restart")};
  record.attach(mqtt);
  auto sender = mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected()) << record.all_log();
  ASSERT_TRUE(mqtt.subscribe(mqtt.topic("after/#"), QoS::AtLeastOnce));
  ASSERT_TRUE(wait_until([&] { return record.subscribed >= 1; }, 5s));

  const std::string restart = std::string("bash '") + MQTT_SETUP_BROKER_SCRIPT + "' restart '" +
                              test::broker_dir() + "' " + tls::kRestart + " >/dev/null";
  ASSERT_EQ(std::system(restart.c_str()), 0);

  // Connected again (second Connected event), subscription renewed, messages flow.
  ASSERT_TRUE(wait_until([&] { return record.connected >= 2 && mqtt.is_connected(); }, 15s))
      << record.all_log();
  ASSERT_TRUE(wait_until([&] { return record.subscribed >= 2; }, 5s)) << record.all_log();
  EXPECT_TRUE(sender("after/restart", "still here"));
  ASSERT_TRUE(wait_until([&] { return record.message_count() >= 1; }, 5s)) << record.all_log();
  EXPECT_EQ(record.messages.back(), "still here");
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
