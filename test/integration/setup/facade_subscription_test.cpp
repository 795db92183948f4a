// Per-subscription handlers (MQTTSetup::subscribe with a handler) against a real mosquitto
// (CTest fixture `broker`): two overlapping subscriptions with different handlers; each handler
// gets the messages of its own subscription once, on_message still gets every copy.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/needs_v5.hpp"
#include "support/broker_port.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

std::string broker() { return "127.0.0.1:" + std::to_string(test::broker_port(test::kPlainBroker)); }

Options options(std::string client_id, Protocol protocol) {
  Options o;
  o.client_id = std::move(client_id);
  o.protocol = protocol;
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

/// What each handler saw: "topic ids=1,2" lines.
class Seen {
 public:
  MQTTSetup::MessageHandler handler(const std::string& name) {
    return [this, name](const Message& m) {
      std::string line = std::string(m.topic) + " ids=";
      for (const std::uint32_t id : m.subscription_ids()) line += std::to_string(id) + ",";
      std::lock_guard lock(mutex_);
      lines_[name].push_back(line);
    };
  }
  std::vector<std::string> of(const std::string& name) {
    std::lock_guard lock(mutex_);
    return lines_[name];
  }
  /// Waits (10 s at most) until `name` saw a message on `topic`.
  bool wait_for(const std::string& name, const std::string& topic) {
    for (int i = 0; i < 1000; ++i) {
      for (const auto& line : of(name)) {
        if (line.rfind(topic + " ", 0) == 0) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  std::size_t count(const std::string& name, const std::string& topic) {
    std::size_t n = 0;
    for (const auto& line : of(name)) n += line.rfind(topic + " ", 0) == 0;
    return n;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> lines_;
};

/// Connects `client`, waits for `n` subscriptions to be acknowledged.
void connect_and_await_subscriptions(MQTTSetup& client, int n) {
  std::atomic<int> subscribed{0};
  client.on_event([&](const ClientEvent& e) {
    if (e.kind == ClientEvent::Kind::Subscribed && !e.refused) ++subscribed;
  });
  client.setup_connection();
  ASSERT_TRUE(client.is_connected());
  for (int i = 0; i < 500 && subscribed < n; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(subscribed, n);
  client.on_event(nullptr);
}

void publish_all(const std::string& root) {
  MQTTSetup publisher{broker(), 0, std::nullopt, std::nullopt,
                      options("subs_pub_" + std::to_string(::getpid()), Protocol::V311)};
  publisher.setup_connection();
  ASSERT_TRUE(publisher.is_connected());
  // One publisher, QoS 1, in order: "end" arrives last ([MQTT-4.6.0-6], ordered topics).
  for (const char* suffix : {"/a/x", "/b/y", "/a/end"}) {
    ASSERT_TRUE(publisher.publish_to_topic(root + suffix, codec::as_bytes("m"), QoS::AtLeastOnce).ok());
  }
  ASSERT_TRUE(publisher.flush(5000));
}

TEST(FacadeSubscriptions, OverlappingSubscriptionsEachGetTheirOwnUnder5) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  const std::string root = "subs5/" + std::to_string(::getpid());
  MQTTSetup client{broker(), 0, std::nullopt, std::nullopt,
                   options("subs5_" + std::to_string(::getpid()), Protocol::V5)};
  Seen seen;
  client.subscribe(root + "/#", QoS::AtLeastOnce, seen.handler("all"));   // identifier 1
  client.subscribe(root + "/a/+", QoS::AtLeastOnce, seen.handler("a"));   // identifier 2
  client.on_message(seen.handler("global"));
  connect_and_await_subscriptions(client, 2);
  publish_all(root);
  ASSERT_TRUE(seen.wait_for("all", root + "/a/end"));
  ASSERT_TRUE(seen.wait_for("a", root + "/a/end"));
  // Each handler once per message of its own subscription, and only its identifier in the
  // copy it got (mosquitto 2 sends one copy per matching subscription).
  EXPECT_EQ(seen.count("all", root + "/a/x"), 1u);
  EXPECT_EQ(seen.count("all", root + "/b/y"), 1u);
  EXPECT_EQ(seen.count("a", root + "/a/x"), 1u);
  EXPECT_EQ(seen.count("a", root + "/b/y"), 0u);
  for (const auto& line : seen.of("all")) EXPECT_NE(line.find("ids=1,"), std::string::npos) << line;
  for (const auto& line : seen.of("a")) EXPECT_NE(line.find("ids=2,"), std::string::npos) << line;
  // on_message gets every copy the broker sent: a/x through both subscriptions.
  const std::size_t copies = seen.count("global", root + "/a/x");
  std::printf("mosquitto sent %zu cop%s of a message matching both subscriptions: %s\n", copies,
              copies == 1 ? "y" : "ies", seen.of("global").front().c_str());
  EXPECT_GE(copies, 1u);
  EXPECT_LE(copies, 2u);
  EXPECT_EQ(seen.count("global", root + "/b/y"), 1u);
}

// 3.1.1 has no identifiers: each handler gets what matches its filter, once per copy.
TEST(FacadeSubscriptions, Under311HandlersGoByTheirFilter) {
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  const std::string root = "subs311/" + std::to_string(::getpid());
  MQTTSetup client{broker(), 0, std::nullopt, std::nullopt,
                   options("subs311_" + std::to_string(::getpid()), Protocol::V311)};
  Seen seen;
  client.subscribe(root + "/#", QoS::AtLeastOnce, seen.handler("all"));
  client.subscribe(root + "/a/+", QoS::AtLeastOnce, seen.handler("a"));
  client.on_message(seen.handler("global"));
  connect_and_await_subscriptions(client, 2);
  publish_all(root);
  ASSERT_TRUE(seen.wait_for("a", root + "/a/end"));
  ASSERT_TRUE(seen.wait_for("all", root + "/a/end"));
  const std::size_t copies = seen.count("global", root + "/a/x");
  EXPECT_GE(copies, 1u);
  EXPECT_EQ(seen.count("all", root + "/a/x"), copies);
  EXPECT_EQ(seen.count("a", root + "/a/x"), copies);
  EXPECT_EQ(seen.count("all", root + "/b/y"), 1u);
  EXPECT_EQ(seen.count("a", root + "/b/y"), 0u);
  for (const auto& line : seen.of("global")) EXPECT_NE(line.find("ids="), std::string::npos);
  for (const auto& line : seen.of("global")) EXPECT_EQ(line.substr(line.size() - 4), "ids=") << line;
}

// A command under a subscription that also covers the commands topic: the command handler gets
// it once (the copy naming the commands' subscription), the other subscription's handler once.
TEST(FacadeSubscriptions, CommandsUnderAnOverlappingSubscriptionArriveOnceUnder5) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  if (test::broker_port(test::kPlainBroker) == 0) GTEST_SKIP() << "no broker";
  const std::string id = "subscmd_" + std::to_string(::getpid());
  MQTTSetup client{broker(), 0, std::nullopt, std::nullopt, options(id, Protocol::V5)};
  Seen seen;
  std::atomic<int> commands{0};
  client.on_command("blink", [&](std::string_view, const Message&) { ++commands; });
  client.subscribe("devices/" + id + "/#", QoS::AtLeastOnce, seen.handler("device"));
  connect_and_await_subscriptions(client, 2);
  MQTTSetup publisher{broker(), 0, std::nullopt, std::nullopt, options(id + "_pub", Protocol::V311)};
  publisher.setup_connection();
  ASSERT_TRUE(publisher.publish_to_topic("devices/" + id + "/commands/blink", codec::as_bytes("1"),
                                         QoS::AtLeastOnce).ok());
  ASSERT_TRUE(publisher.publish_to_topic("devices/" + id + "/end", codec::as_bytes("1"),
                                         QoS::AtLeastOnce).ok());
  ASSERT_TRUE(publisher.flush(5000));
  ASSERT_TRUE(seen.wait_for("device", "devices/" + id + "/end"));
  EXPECT_EQ(commands, 1);
  EXPECT_EQ(seen.count("device", "devices/" + id + "/commands/blink"), 1u);
}

}  // namespace
}  // namespace mqtt_setup
