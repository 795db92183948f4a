// The mosquitto fixtures are up and configured as promised; speaks raw MQTT (test/support)
// so that it checks the harness, not our client.
#include <gtest/gtest.h>

#include <string>

#include "broker_port.hpp"
#include "client_packets.hpp"
#include "mqtt_setup/tcp_transport.hpp"

namespace mqtt_setup::test {
namespace {

// A raw MQTT connection to one of the fixture brokers.
class RawClient {
 public:
  bool open(std::uint16_t port) { return transport_.connect("127.0.0.1", port, 5000).ok(); }
  bool send(const Bytes& bytes) { return transport_.send(bytes).ok(); }
  std::optional<RawPacket> next() { return receive_packet(transport_, rx_); }

 private:
  TcpTransport transport_;
  PacketBuffer rx_;
};

std::string no_broker(const char* name) {
  return std::string("no '") + name + "' broker in " + broker_dir() +
         ": run through ctest, with mosquitto installed";
}

TEST(BrokerFixture, PlainBrokerAcceptsAnonymousClients) {
  const std::uint16_t port = broker_port(kPlainBroker);
  if (port == 0) GTEST_SKIP() << no_broker(kPlainBroker);
  RawClient client;
  ASSERT_TRUE(client.open(port));
  ASSERT_TRUE(client.send(connect({.client_id = "fixture-plain"})));
  const auto ack = client.next();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->bytes, connack(false, 0));
}

TEST(BrokerFixture, PlainBrokerRoutesMessages) {
  const std::uint16_t port = broker_port(kPlainBroker);
  if (port == 0) GTEST_SKIP() << no_broker(kPlainBroker);
  RawClient listener;
  ASSERT_TRUE(listener.open(port));
  ASSERT_TRUE(listener.send(connect({.client_id = "fixture-sub"})));
  ASSERT_TRUE(listener.next());
  ASSERT_TRUE(listener.send(subscribe(1, "fixture/route/#", 1)));
  const auto granted = listener.next();
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->bytes, suback(1, {0x01}));

  RawClient sender;
  ASSERT_TRUE(sender.open(port));
  ASSERT_TRUE(sender.send(connect({.client_id = "fixture-pub"})));
  ASSERT_TRUE(sender.next());
  ASSERT_TRUE(sender.send(publish("fixture/route/a", "42", 1, 7)));
  const auto acked = sender.next();
  ASSERT_TRUE(acked);
  EXPECT_EQ(acked->bytes, puback(7));

  const auto message = listener.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type(), kPublish);
  EXPECT_EQ(message->topic(), "fixture/route/a");
  EXPECT_EQ(std::string(message->payload().begin(), message->payload().end()), "42");
}

TEST(BrokerFixture, AuthBrokerRefusesAnonymousClients) {
  const std::uint16_t port = broker_port(kAuthBroker);
  if (port == 0) GTEST_SKIP() << no_broker(kAuthBroker);
  RawClient client;
  ASSERT_TRUE(client.open(port));
  ASSERT_TRUE(client.send(connect({.client_id = "fixture-anon"})));
  const auto ack = client.next();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->bytes, connack(false, 5));  // not authorised
}

TEST(BrokerFixture, AuthBrokerRefusesAWrongPassword) {
  const std::uint16_t port = broker_port(kAuthBroker);
  if (port == 0) GTEST_SKIP() << no_broker(kAuthBroker);
  RawClient client;
  ASSERT_TRUE(client.open(port));
  ASSERT_TRUE(client.send(
      connect({.client_id = "fixture-wrong", .username = kAuthUser, .password = "wrong"})));
  const auto ack = client.next();
  ASSERT_TRUE(ack);
  // mosquitto 2.0 answers 5 (not authorised) rather than 4 (bad user name or password).
  ASSERT_EQ(ack->type(), kConnack);
  EXPECT_TRUE(ack->bytes[3] == 4 || ack->bytes[3] == 5) << int{ack->bytes[3]};
}

TEST(BrokerFixture, AuthBrokerAcceptsTheDevice) {
  const std::uint16_t port = broker_port(kAuthBroker);
  if (port == 0) GTEST_SKIP() << no_broker(kAuthBroker);
  RawClient client;
  ASSERT_TRUE(client.open(port));
  ASSERT_TRUE(client.send(
      connect({.client_id = "fixture-device", .username = kAuthUser, .password = kAuthPassword})));
  const auto ack = client.next();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->bytes, connack(false, 0));
}

}  // namespace
}  // namespace mqtt_setup::test
