// Failover between two mosquittos (Options::servers): the first is stopped mid-stream, the
// client moves to the second, and nothing is lost. Each broker has a subscriber; the first
// one's subscriber keeps a persistent session and the first broker is started again at the
// end, so messages that broker acknowledged but had not yet passed on are counted too (that
// is the broker's delivery, not ours).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "numbered_messages.hpp"
#include "mqtt_setup/mqtt_setup.hpp"
#include "support/broker_port.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMessages = 2000;

// A mosquitto of our own, through test/support/broker.sh (stopped by its recorded PID).
class OwnBroker {
 public:
  explicit OwnBroker(std::string name) : name_(std::move(name)) {
    ok_ = run("start") && (port_ = test::broker_port(name_.c_str())) != 0;
  }
  ~OwnBroker() { run("stop"); }
  bool ok() const { return ok_; }
  std::uint16_t port() const { return port_; }
  bool stop() { return run("stop"); }
  // Again on the same port, with its persistence (broker.sh restart reads the port file).
  bool start_again() {
    std::ofstream(test::broker_dir() + "/" + name_ + ".port") << port_ << "\n";
    return run("restart");
  }

 private:
  bool run(const char* command) {
    const std::string cmd = std::string("bash '") + MQTT_SETUP_BROKER_SCRIPT + "' " + command +
                            " '" + test::broker_dir() + "' " + name_ +
                            (std::string_view(command) == "start" ? " plain" : "") +
                            " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  std::string name_;
  std::uint16_t port_ = 0;
  bool ok_ = false;
};

TEST(Failover, StoppingTheFirstBrokerMidStreamLosesNothing) {
  if (std::system("command -v mosquitto >/dev/null 2>&1 || test -x /usr/sbin/mosquitto") != 0) {
    GTEST_SKIP() << "mosquitto not installed";
  }
  const std::string tag = std::to_string(::getpid());
  OwnBroker a("failover_a_" + tag), b("failover_b_" + tag);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string id = "fault_failover_" + tag;
  test::Tally tally(kMessages);
  test::TallySubscriber sub_a("127.0.0.1:" + std::to_string(a.port()), id + "_sub_a",
                              "devices/" + id + "/#", tally, /*clean_session=*/false,
                              QoS::AtLeastOnce);
  test::TallySubscriber sub_b("127.0.0.1:" + std::to_string(b.port()), id + "_sub_b",
                              "devices/" + id + "/#", tally);
  ASSERT_TRUE(sub_a.wait_subscribed(5s) && sub_b.wait_subscribed(5s));

  Options o;
  o.client_id = id;
  o.servers = {{"127.0.0.1", b.port()}};
  o.keep_alive_s = 5;
  o.retry.first_ms = 50;
  o.retry.max_ms = 400;
  o.queue_messages = kMessages + 100;
  o.queue_bytes = 512 * 1024;
  o.log = [](LogLevel, std::string_view) {};
  std::atomic<int> connected_to_b{0};
  const std::string b_label = "127.0.0.1:" + std::to_string(b.port());
  MQTTSetup mqtt{"127.0.0.1:" + std::to_string(a.port()), 0, std::nullopt, std::nullopt, o};
  mqtt.on_event([&](const ClientEvent& ev) {
    if (ev.kind == ClientEvent::Kind::Connected && ev.server == b_label) ++connected_to_b;
  });
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected());

  for (int i = 0; i < kMessages; ++i) {
    if (i == kMessages / 3) {
      ASSERT_TRUE(a.stop());
    }
    const std::string payload = std::to_string(i);
    auto ticket = mqtt.publish("seq", codec::as_bytes(payload), QoS::AtLeastOnce);
    EXPECT_TRUE(ticket.ok()) << "message " << i << ": " << ticket.error().message();
    if (i % 100 == 99) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(mqtt.flush(30'000)) << mqtt.stats().session.queued << " still queued";
  EXPECT_GE(connected_to_b.load(), 1);
  ASSERT_TRUE(a.start_again());
  EXPECT_TRUE(tally.wait_complete(15s));
  EXPECT_EQ(tally.lost_count(), 0) << "lost: " << test::describe_numbers(tally.lost());
  EXPECT_TRUE(sub_b.disconnects().empty());
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
