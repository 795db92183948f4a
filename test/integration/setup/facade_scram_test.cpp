// 5.0 enhanced authentication through the facade against a scripted broker that speaks the
// SCRAM-SHA-256 AUTH exchange byte for byte (RFC 7677 section 3's messages: the client's nonce
// comes from RFC 7677's random source, so its proof is known in advance and checked exactly):
// CONNECT with client-first -> AUTH 0x18 server-first -> AUTH 0x18 client-final -> CONNACK 0x00
// with server-final; a re-authentication round; a wrong password; a forged server signature.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mqtt_setup/mqtt_setup.hpp"
#include "support/auth_packets.hpp"
#include "support/fake_broker.hpp"
#include "support/needs_v5.hpp"

#if defined(MQTT_SETUP_HAS_SCRAM)
#include "mqtt_setup/scram.hpp"

namespace mqtt_setup {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kMethod = "SCRAM-SHA-256";
// RFC 7677 section 3 (user "user", password "pencil").
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// The nonce "rOprNGfwEbeRWgbNEkqO" is the base64 of these bytes.
int rfc_nonce(void*, unsigned char* out, std::size_t size) {
  static constexpr std::uint8_t kBytes[] = {0xAC, 0xEA, 0x6B, 0x34, 0x67, 0xF0, 0x11, 0xB7,
                                            0x91, 0x5A, 0x06, 0xCD, 0x12, 0x4A, 0x8E};
  if (size != sizeof kBytes) return -1;
  for (std::size_t i = 0; i < size; ++i) out[i] = kBytes[i];
  return 0;
}
constexpr ScramRandom kRfcRandom{&rfc_nonce, nullptr, 15};

Options scram_options(std::string client_id, Authenticator* authenticator) {
  Options o;
  o.client_id = std::move(client_id);
  o.protocol = Protocol::V5;
  o.authenticator = authenticator;
  o.attempts = 1;
  o.retry.first_ms = 50;
  o.retry.max_ms = 5'000;  // what a refusal waits before the next attempt
  o.log = [](LogLevel, std::string_view) {};
  return o;
}

std::string at(const test::FakeBroker& b) { return "127.0.0.1:" + std::to_string(b.port()); }

/// The next AUTH; PUBLISH packets before it (the connection goes on during a
/// re-authentication) are acknowledged and their topics kept in `published`.
std::optional<test::RawPacket> read_auth(test::FakeConnection& c,
                                         std::vector<std::string>* published) {
  for (;;) {
    auto p = c.read_packet();
    if (!p || p->type() == test::kAuth) return p;
    if (p->type() == test::kPublish && published != nullptr) {
      published->emplace_back(p->topic());
      if (p->qos() == 1) c.send(test::puback(*p->packet_id()));
    }
  }
}

/// The broker's side of one exchange up to the client-final message, which it returns (checked
/// by the caller); `reauth` starts from the client's AUTH 0x19 instead of CONNECT.
std::optional<test::RawPacket> server_first_round(test::FakeConnection& c, bool reauth,
                                                  std::vector<std::string>* published = nullptr) {
  if (reauth) {
    auto start = read_auth(c, published);
    if (!start) return std::nullopt;
    EXPECT_EQ(start->bytes, test::auth(0x19, kMethod, kClientFirst));  // [MQTT-4.12.1-1]
  } else {
    auto connect = c.read_until(test::kConnect);
    if (!connect) return std::nullopt;
    auto fields = test::connect_auth_fields(*connect);
    EXPECT_TRUE(fields);
    if (!fields) return std::nullopt;
    EXPECT_EQ(fields->method, std::string(kMethod));
    EXPECT_EQ(fields->data, std::string(kClientFirst));
    EXPECT_FALSE(fields->password_flag);
  }
  c.send(test::auth(0x18, kMethod, kServerFirst));
  return read_auth(c, published);
}

TEST(FacadeScram, Rfc7677ExchangeThenReauthentication) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  bool reauthenticated = false;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto final_message = server_first_round(*c, false);
    ASSERT_TRUE(final_message);
    // The client's proof, byte for byte: AUTH 0x18, method, client-final.
    ASSERT_EQ(final_message->bytes, test::auth(0x18, kMethod, kClientFinal));
    c->send(test::connack_v5(0x00, kMethod, kServerFinal));
    // Re-authentication on demand: the same exchange inside AUTH, ended by AUTH 0x00.
    std::vector<std::string> published;  // the connection goes on meanwhile
    auto again = server_first_round(*c, true, &published);
    ASSERT_TRUE(again);
    ASSERT_EQ(again->bytes, test::auth(0x18, kMethod, kClientFinal));
    c->send(test::auth(0x00, kMethod, kServerFinal));
    reauthenticated = true;
    if (published.empty()) {
      auto publish = c->read_until(test::kPublish);
      ASSERT_TRUE(publish);
      published.emplace_back(publish->topic());
      c->send(test::puback(*publish->packet_id()));
    }
    EXPECT_EQ(published, std::vector<std::string>{"devices/scram_ok/after"});
    c->hold(5s);  // until the client disconnects
  });
  ScramSha256 scram{"user", "pencil", kRfcRandom};
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, scram_options("scram_ok", &scram)};
  mqtt.setup_connection();
  ASSERT_TRUE(mqtt.is_connected()) << mqtt.last_error().message();
  auto reauth = mqtt.reauthenticate();
  ASSERT_TRUE(reauth.ok()) << reauth.error().message();
  EXPECT_EQ(mqtt.reauthenticate().error().session, SessionError::Busy);  // one at a time
  ASSERT_TRUE(mqtt.publish("after", codec::as_bytes("1"), QoS::AtLeastOnce, false).ok());
  EXPECT_TRUE(mqtt.flush(5'000));
  EXPECT_TRUE(mqtt.is_connected());
  mqtt.disconnect();
  ASSERT_TRUE(broker.wait(10s));
  EXPECT_TRUE(reauthenticated);
  EXPECT_EQ(broker.connections(), 1);
}

TEST(FacadeScram, WrongPasswordIsRefusedOnceWithAClearError) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  bool second_attempt = false;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto final_message = server_first_round(*c, false);
    ASSERT_TRUE(final_message);
    auto fields = test::auth_fields(*final_message);
    ASSERT_TRUE(fields);
    // The broker checks the proof: another password gives another proof.
    EXPECT_NE(fields->data, std::string(kClientFinal));
    c->send(test::connack_v5(0x86));  // bad user name or password
    c->hold(2s);
    // No tight retry loop: nothing within a second and a half (the cap is 5 s).
    second_attempt = b.accept(1500ms).has_value();
  });
  ScramSha256 scram{"user", "not-pencil", kRfcRandom};
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, scram_options("scram_bad", &scram)};
  mqtt.setup_connection();
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_EQ(mqtt.last_error().kind, Error::Kind::Refused);
  EXPECT_EQ(mqtt.last_error().reason_code, 0x86);
  EXPECT_NE(mqtt.last_error().message().find("check the MQTT user name and password"),
            std::string::npos)
      << mqtt.last_error().message();
  ASSERT_TRUE(broker.wait(10s));
  EXPECT_FALSE(second_attempt);
  EXPECT_EQ(mqtt.stats().connect_attempts, 1u);
  mqtt.disconnect();
}

TEST(FacadeScram, AForgedServerSignatureFailsTheConnection) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  bool client_closed = false;
  bool second_attempt = false;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    ASSERT_TRUE(server_first_round(*c, false));
    // A broker that does not know the password cannot compute this; one byte changed.
    c->send(test::connack_v5(0x00, kMethod, "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    client_closed = c->hold(5s);
    second_attempt = b.accept(1500ms).has_value();
  });
  ScramSha256 scram{"user", "pencil", kRfcRandom};
  MQTTSetup mqtt{at(broker), 0, std::nullopt, std::nullopt, scram_options("scram_forged", &scram)};
  mqtt.setup_connection();
  EXPECT_FALSE(mqtt.is_connected());
  EXPECT_EQ(mqtt.last_error().auth, AuthError::ServerNotVerified);
  EXPECT_NE(mqtt.last_error().message().find("authentication failed"), std::string::npos)
      << mqtt.last_error().message();
  ASSERT_TRUE(broker.wait(10s));
  EXPECT_TRUE(client_closed);
  EXPECT_FALSE(second_attempt);
  mqtt.disconnect();
}

TEST(FacadeScram, AuthMethodOptionSendsTheCredentialsThroughScramOnly) {
  MQTT_SETUP_SKIP_WITHOUT_V5();
  test::FakeBroker broker;
  ASSERT_TRUE(broker.ok());
  std::optional<test::AuthFields> connect;
  broker.run([&](test::FakeBroker& b) {
    auto c = b.accept();
    ASSERT_TRUE(c);
    auto packet = c->read_until(test::kConnect);
    ASSERT_TRUE(packet);
    connect = test::connect_auth_fields(*packet);
    c->send(test::connack_v5(0x8C));  // bad authentication method
    c->hold(2s);
  });
  Options o = scram_options("scram_option", nullptr);
  o.auth_method = "SCRAM-SHA-256";
  MQTTSetup mqtt{at(broker), 0, "user", "pencil", o};
  mqtt.setup_connection();
  ASSERT_TRUE(broker.wait(10s));
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->method, std::string(kMethod));
  ASSERT_TRUE(connect->data);
  // client-first with a fresh nonce: 18 random bytes, 24 base64 characters.
  EXPECT_EQ(connect->data->substr(0, 12), "n,,n=user,r=");
  EXPECT_EQ(connect->data->size(), 12u + 24u);
  EXPECT_FALSE(connect->username_flag);  // never in the clear beside SCRAM
  EXPECT_FALSE(connect->password_flag);
  EXPECT_EQ(mqtt.last_error().reason_code, 0x8C);
  EXPECT_EQ(mqtt.stats().connect_attempts, 1u);
  mqtt.disconnect();
}

}  // namespace
}  // namespace mqtt_setup
#endif
