// mqtt-setup against the scripted fake broker: the exit codes and messages of docs/cli.md for
// brokers that misbehave in exactly one way (garbage, refusal, silence, a dropped connection).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <cstdio>
#include <fstream>

#include "auth_packets.hpp"
#include "cli_process.hpp"
#include "fake_broker.hpp"
#include "needs_v5.hpp"

namespace mqtt_setup::test {
namespace {

class CliFakeBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(broker_.ok()); }

  std::string server() const { return "127.0.0.1:" + std::to_string(broker_.port()); }
  /// The options every run shares: this broker, a fixed id, quick retries.
  std::vector<std::string> with_server(std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"-s", server(), "-i", "cli-fake", "--retry-delay", "0.1"});
    return args;
  }

  FakeBroker broker_;
};

TEST_F(CliFakeBrokerTest, SendExits6WhenTheBrokerAnswersGarbage) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send({0x20, 0x05, 0x00, 0x00});  // CONNACK with remaining length 5: malformed
    c->hold(3s);
  });
  const CliRun run = run_cli(with_server({"send", "--attempts", "1", "a", "b"}));
  EXPECT_EQ(run.exit_code, 6) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_NE(run.err.find("protocol"), std::string::npos) << run.err;
}

TEST_F(CliFakeBrokerTest, SendExits3AndSaysWhyWhenRefused) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(false, 5));  // not authorized
    c->hold(2s);
  });
  const CliRun run = run_cli(with_server({"send", "a", "b"}));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_NE(run.err.find("not authorized"), std::string::npos) << run.err;
  EXPECT_EQ(broker_.connections(), 1) << "a refusal is not retried";
}

TEST_F(CliFakeBrokerTest, SendWithScramRunsTheAuthExchangeAndExits3OnABadPassword) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
#if !defined(MQTT_SETUP_HAS_SCRAM)
  GTEST_SKIP() << "a build without mbedTLS has no SCRAM-SHA-256";
#endif
  std::optional<AuthFields> connect, client_final;
  broker_.run([&](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto packet = c->read_until(kConnect);
    ASSERT_TRUE(packet);
    connect = connect_auth_fields(*packet);
    ASSERT_TRUE(connect && connect->data);
    const std::string nonce = connect->data->substr(connect->data->find(",r=") + 3);
    c->send(auth(0x18, "SCRAM-SHA-256", "r=" + nonce + "srv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
    auto answer = c->read_until(kAuth);
    ASSERT_TRUE(answer);
    client_final = auth_fields(*answer);
    c->send(connack_v5(0x86));  // the proof did not match: bad user name or password
    c->hold(2s);
  });
  const std::string password_file =
      ::testing::TempDir() + "cli_scram_password_" + std::to_string(broker_.port());
  std::ofstream(password_file) << "pencil\n";
  const CliRun run = run_cli(with_server({"send", "-V", "5", "--auth-method", "SCRAM-SHA-256",
                                          "-u", "user", "--password-file", password_file,
                                          "--attempts", "1", "a", "b"}));
  std::remove(password_file.c_str());
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_NE(run.err.find("bad user name or password"), std::string::npos) << run.err;
  ASSERT_TRUE(broker_.wait());
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->method, std::optional<std::string>("SCRAM-SHA-256"));
  EXPECT_EQ(connect->data->substr(0, 12), "n,,n=user,r=");
  EXPECT_FALSE(connect->username_flag);  // the credentials go through SCRAM only
  EXPECT_FALSE(connect->password_flag);
  ASSERT_TRUE(client_final && client_final->data);
  EXPECT_EQ(client_final->reason_code, 0x18);
  EXPECT_EQ(client_final->data->substr(0, 9), "c=biws,r=");
  EXPECT_NE(client_final->data->find(",p="), std::string::npos);
  EXPECT_EQ(broker_.connections(), 1) << "a refusal is not retried";
}

TEST_F(CliFakeBrokerTest, AuthMethodNeedsMqtt5AndAPassword) {
  const CliRun v311 = run_cli(with_server({"send", "--auth-method", "SCRAM-SHA-256", "-u", "user",
                                           "a", "b"}));
  EXPECT_EQ(v311.exit_code, 2) << v311.err;
  EXPECT_NE(v311.err.find("needs MQTT 5"), std::string::npos) << v311.err;
  const CliRun no_password = run_cli(with_server({"send", "-V", "5", "--auth-method",
                                                  "SCRAM-SHA-256", "-u", "user", "a", "b"}));
  EXPECT_EQ(no_password.exit_code, 2) << no_password.err;
  EXPECT_NE(no_password.err.find("password"), std::string::npos) << no_password.err;
}

TEST_F(CliFakeBrokerTest, SendExits5WhenThePublishIsNeverAcknowledged) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(false, 0));
    c->hold(5s);  // reads the PUBLISH, never answers
  });
  const CliRun run = run_cli(with_server({"send", "--timeout", "1", "a", "b"}));
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_LT(run.elapsed, 6s);  // --timeout 1, plus a slow start (sanitizers, valgrind)
}

TEST_F(CliFakeBrokerTest, SendExits1WhenNeverConnectedWithinTimeout) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->hold(5s);  // TCP accepted, no CONNACK ever
  });
  const CliRun run = run_cli(with_server({"send", "--timeout", "1", "a", "b"}));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_LT(run.elapsed, 6s) << "--timeout bounds the whole command, connecting included";
}

TEST_F(CliFakeBrokerTest, SendResendsWhatWasInFlightAfterAConnectionLoss) {
  broker_.run([](FakeBroker& b) {
    {
      auto c = b.accept();
      ASSERT_TRUE(c);
      c->read_packet();
      c->send(connack(false, 0));
      ASSERT_TRUE(c->read_until(kPublish));
      c->reset();  // the link dies before the PUBACK
    }
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(true, 0));
    const auto again = c->read_until(kPublish);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->topic(), "devices/cli-fake/sensors/temperature");
    c->send(puback(*again->packet_id()));
    c->hold(3s);
  });
  const CliRun run = run_cli(with_server({"send", "--no-clean", "sensors/temperature", "23.5"}));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(broker_.wait());
}

TEST_F(CliFakeBrokerTest, PipeDeliversEverythingAcrossAConnectionLoss) {
  broker_.run([](FakeBroker& b) {
    {
      auto c = b.accept();
      ASSERT_TRUE(c);
      c->read_packet();
      c->send(connack(false, 0));
      ASSERT_TRUE(c->read_until(kPublish));
      c->close();
    }
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(true, 0));
    for (int i = 0; i < 3; ++i) {
      const auto p = c->read_until(kPublish);
      ASSERT_TRUE(p);
      c->send(puback(*p->packet_id()));
    }
    c->hold(3s);
  });
  const CliRun run = run_cli(with_server({"pipe", "--no-clean", "--json", "log"}), "1\n2\n3\n");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(R"({"event":"disconnected")"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(R"({"event":"summary","read":3,"delivered":3,"dropped":0})"),
            std::string::npos)
      << run.out;
}

TEST_F(CliFakeBrokerTest, ListenExits6OnAMalformedPacket) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(false, 0));
    const auto subscribe = c->read_until(kSubscribe);
    ASSERT_TRUE(subscribe);
    c->send(suback(*subscribe->packet_id(), {1}));
    c->send({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F});  // remaining length of 5 bytes
    c->hold(3s);
  });
  const CliRun run = run_cli(with_server({"listen"}));
  EXPECT_EQ(run.exit_code, 6) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
}

TEST_F(CliFakeBrokerTest, ListenPrintsMessagesAsTheyCome) {
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send(connack(false, 0));
    const auto subscribe = c->read_until(kSubscribe);
    ASSERT_TRUE(subscribe);
    c->send(suback(*subscribe->packet_id(), {1}));
    c->send(publish("devices/a/sensors/t", "23.5", 0));
    c->send(publish("devices/b/status/online", "line one\nline two", 1, 7, true));
    c->read_until(kPuback);
    c->send({0xFF});  // garbage ends the listener, so the run finishes on its own
    c->hold(2s);
  });
  const CliRun run = run_cli(with_server({"listen", "--json"}));
  // The messages, then the failure that ended the connection as an event line (spec: listen
  // --json reports connection failures on stdout).
  const std::string messages =
      "{\"topic\":\"devices/a/sensors/t\",\"payload\":\"23.5\",\"qos\":0,\"retain\":false}\n"
      "{\"topic\":\"devices/b/status/online\",\"payload\":\"line one\\nline two\",\"qos\":1,"
      "\"retain\":true}\n";
  ASSERT_TRUE(run.out.starts_with(messages)) << run.out;
  const std::string rest = run.out.substr(messages.size());
  EXPECT_TRUE(rest.starts_with("{\"event\":\"disconnected\",") &&
              rest.find("protocol violation") != std::string::npos &&
              std::count(rest.begin(), rest.end(), '\n') == 1)
      << rest;
}

// A 5.0 broker whose access rules refuse the topic answers PUBACK 0x87: the line is dropped as
// refused, with the reason code, never as "queue full", and pipe exits 5 (not everything read
// was delivered), after delivering the rest.
TEST_F(CliFakeBrokerTest, PipeCountsABrokerRefusalAsSuchAndExits5) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  broker_.run([](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    c->read_packet();
    c->send({0x20, 0x03, 0x00, 0x00, 0x00});  // 5.0 CONNACK: accepted, no properties
    for (int line = 0; line < 3; ++line) {
      const auto publish = c->read_until(kPublish);
      ASSERT_TRUE(publish);
      const auto id = *publish->packet_id();
      const std::uint8_t reason = line == 1 ? 0x87 : 0x00;  // the second: not authorized
      c->send({0x40, 0x03, static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
               reason});
    }
    c->hold(3s);
  });
  const CliRun run = run_cli(with_server({"pipe", "-V", "5", "--json", "a"}), "one\ntwo\nthree\n");
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_EQ(run.error_lines(), 1) << run.err;
  EXPECT_NE(run.err.find("1 of 3 messages dropped: 1 refused by the broker (not authorized, "
                         "0x87)"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("queue"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("{\"event\":\"summary\",\"read\":3,\"delivered\":2,\"dropped\":1,"
                         "\"dropped_by_cause\":{\"refused_by_broker\":1}}"),
            std::string::npos)
      << run.out;
}

// A broker that sends CONNACK and then nothing: each reconnect renews the subscription once;
// the SUBSCRIBEs of earlier connections are not stacked on top (they piled up to 20 before).
TEST_F(CliFakeBrokerTest, ListenSubscribesOncePerConnectionWhenSubackNeverComes) {
  constexpr int kConnections = 2;  // the second connection is where SUBSCRIBEs used to stack
  std::vector<int> subscribes(kConnections, 0);
  broker_.run([&subscribes](FakeBroker& b) {
    for (int i = 0; i < kConnections; ++i) {
      auto c = b.accept(10s);
      ASSERT_TRUE(c);
      c->read_packet();
      c->send(connack(false, 0));
      // Until the client gives up on this link (keep-alive 1 s: at most 1.5 s of silence).
      while (auto packet = c->read_packet(5s))
        if (packet->type() == kSubscribe) ++subscribes[static_cast<std::size_t>(i)];
    }
  });
  // About 2 s per connection (1.5 x keep-alive + backoff); the run is bounded at 5x that.
  const CliRun run = run_cli(with_server({"listen", "-k", "1", "--retry-max", "0.2", "a/#"}), {},
                             std::chrono::seconds(20));
  broker_.wait(15s);
  for (int i = 0; i < kConnections; ++i)
    EXPECT_EQ(subscribes[static_cast<std::size_t>(i)], 1) << "connection " << i << "\n" << run.err;
}

}  // namespace
}  // namespace mqtt_setup::test

namespace mqtt_setup::test {
namespace {

// --request-response-info: CONNECT carries Request Response Information 1 (0x19 01), and -v
// shows the Response Information the CONNACK brings back in one line (mosquitto 2.0 sends none,
// hence the scripted broker).
TEST_F(CliFakeBrokerTest, RequestResponseInfoAsksAndVerboseShowsTheAnswer) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  Bytes connect_bytes;
  broker_.run([&connect_bytes](FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto connect = c->read_until(kConnect);
    ASSERT_TRUE(connect);
    connect_bytes = connect->bytes;
    // 5.0 CONNACK: flags 0, reason 0, properties: Response Information (0x1A) "resp/cli".
    c->send({0x20, 0x0E, 0x00, 0x00, 0x0B, 0x1A, 0x00, 0x08, 'r', 'e', 's', 'p', '/', 'c', 'l',
             'i'});
    auto publish = c->read_until(kPublish);
    ASSERT_TRUE(publish);
    c->send(puback(*publish->packet_id()));
    c->hold(3s);
  });
  const CliRun run =
      run_cli(with_server({"send", "-V", "5", "-v", "--request-response-info", "-q", "1", "a", "b"}));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(broker_.wait(10s));
  // ... keep-alive (2) | property length 5 | 19 01, [MQTT-3.1.2.11.6] | Topic Alias Maximum 10
  const Bytes expected_properties{0x05, 0x19, 0x01, 0x22, 0x00, 0x0A};
  EXPECT_NE(std::search(connect_bytes.begin(), connect_bytes.end(), expected_properties.begin(),
                        expected_properties.end()),
            connect_bytes.end());
  EXPECT_NE(run.err.find("the broker's response information: \"resp/cli\""), std::string::npos)
      << run.err;
}

TEST_F(CliFakeBrokerTest, RequestResponseInfoNeedsMqtt5) {
  const CliRun run = run_cli(with_server({"send", "--request-response-info", "a", "b"}));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("--request-response-info needs MQTT 5"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace mqtt_setup::test
