// Handlers may end the client they run in: the README's on_command("restart") calling
// disconnect(), or destroying the MQTTSetup. The background thread must not join itself
// (std::system_error, then abort) nor run on into a destroyed client.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/fake_broker.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

Options quiet(std::string client_id) {
  Options o;
  o.client_id = std::move(client_id);
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

/// Accepts the client, answers its SUBSCRIBE, sends it the command, waits for it to leave.
void send_command(test::FakeBroker& broker, const std::string& topic, bool expect_disconnect) {
  broker.run([topic, expect_disconnect](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->read_until(test::kConnect));
    c->send(test::connack(false, 0));
    auto subscribe = c->read_until(test::kSubscribe);
    ASSERT_TRUE(subscribe);
    c->send(test::suback(*subscribe->packet_id(), {1}));
    c->send(test::publish(topic, "now"));
    if (expect_disconnect) {
      EXPECT_TRUE(c->read_until(test::kDisconnect, 5s));
    }
  });
}

bool wait_for(const std::atomic<bool>& flag) {
  for (int i = 0; i < 500 && !flag; ++i) std::this_thread::sleep_for(10ms);  // 5 s
  return flag;
}

TEST(FacadeHandlers, DisconnectFromACommandHandlerEndsTheClient) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  send_command(broker, "devices/esp32_handler_disconnect/commands/restart", true);
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, quiet("esp32_handler_disconnect")};
  std::atomic<bool> handled{false};
  mqtt.on_command("restart", [&](std::string_view, const Message&) {
    mqtt.disconnect();  // on the client's own thread
    handled = true;
  });
  mqtt.setup_connection();
  ASSERT_TRUE(wait_for(handled));
  EXPECT_TRUE(broker.wait(10s));
  EXPECT_FALSE(mqtt.is_connected());
  mqtt.disconnect();  // again, from another thread: nothing left to do
}  // ~MQTTSetup joins the (finished) thread

TEST(FacadeHandlers, DestroyingTheClientFromItsHandlerIsSafe) {
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  send_command(broker, "devices/esp32_handler_delete/commands/restart", true);
  auto* mqtt = new MQTTSetup{at(broker), 0, std::nullopt, std::nullopt,
                             quiet("esp32_handler_delete")};
  std::atomic<bool> handled{false};
  mqtt->on_command("restart", [&](std::string_view, const Message&) {
    delete mqtt;  // the thread that runs this handler belonged to it
    handled = true;
  });
  mqtt->setup_connection();
  ASSERT_TRUE(wait_for(handled));
  EXPECT_TRUE(broker.wait(10s));
}

}  // namespace
}  // namespace mqtt_setup
