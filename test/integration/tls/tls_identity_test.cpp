// Mutual TLS (mosquitto `require_certificate true`), unusable CA / certificate / key files,
// ALPN, and session resumption across reconnects.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "client_packets.hpp"
#include "mqtt_setup/tls_transport.hpp"
#include "tls_brokers.hpp"

namespace mqtt_setup::test {
namespace {

constexpr std::uint32_t kTimeoutMs = 5000;

#define REQUIRE_BROKER(name)                                                  \
  const std::uint16_t port = broker_port(name);                              \
  if (port == 0) GTEST_SKIP() << "no '" << (name) << "' broker: run through ctest"

std::string detail_of(const TlsTransport& t) { return std::string(t.last_error_detail()); }

bool speaks_mqtt(TlsTransport& transport, std::string_view client_id) {
  if (!transport.send(connect({.client_id = client_id})).ok()) return false;
  PacketBuffer rx;
  const auto ack = receive_packet(transport, rx);
  return ack && ack->bytes == connack(false, 0);
}

TlsOptions with_client(const char* name) {
  TlsOptions options = tls::trusting_test_ca();
  options.cert_file = tls::cert(std::string(name) + ".crt");
  options.key_file = tls::cert(std::string(name) + ".key");
  return options;
}

TEST(TlsMutual, ClientCertificateIsAccepted) {
  REQUIRE_BROKER(tls::kMutual);
  TlsTransport transport(with_client("client"));
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
  EXPECT_TRUE(speaks_mqtt(transport, "tls-mutual"));
}

TEST(TlsMutual, WithoutClientCertificateTheBrokerRefuses) {
  REQUIRE_BROKER(tls::kMutual);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHandshake) << detail_of(transport);
  EXPECT_NE(detail_of(transport).find("client certificate"), std::string::npos)
      << detail_of(transport);
}

TEST(TlsMutual, ClientCertificateFromAnotherCaIsRefused) {
  REQUIRE_BROKER(tls::kMutual);
  TlsTransport transport(with_client("rogue-client"));
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHandshake) << detail_of(transport);
  // Either the alert (unknown_ca) or, when the broker's reset overtook it, the hang-up.
  const std::string detail = detail_of(transport);
  EXPECT_TRUE(detail.find("unknown_ca") != std::string::npos ||
              detail.find("does not accept it") != std::string::npos)
      << detail;
}

TEST(TlsConfig, MissingCaFileIsAConfigurationError) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.ca_file = tls::cert("no-such-ca.crt");
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsConfig);
  EXPECT_NE(detail_of(transport).find("no-such-ca.crt"), std::string::npos) << detail_of(transport);
}

TEST(TlsConfig, GarbageCaTextIsAConfigurationError) {
  TlsOptions options;
  options.enabled = true;
  options.ca_pem = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
  TlsTransport transport(options);
  // Configuration is checked before any connection is tried: no broker needed.
  const auto connected = transport.connect("localhost", 1, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsConfig);
  EXPECT_NE(detail_of(transport).find("ca_pem"), std::string::npos) << detail_of(transport);
}

TEST(TlsConfig, CaGivenAsPemTextIsTrusted) {
  REQUIRE_BROKER(tls::kTrusted);
  std::FILE* file = std::fopen(tls::cert("ca.crt").c_str(), "r");
  ASSERT_NE(file, nullptr);
  std::string pem(8192, '\0');
  pem.resize(std::fread(pem.data(), 1, pem.size(), file));
  std::fclose(file);
  TlsOptions options;
  options.enabled = true;
  options.ca_pem = pem;  // as firmware would embed it
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
}

TEST(TlsConfig, CertificateWithoutKeyIsAConfigurationError) {
  TlsOptions options = tls::trusting_test_ca();
  options.cert_file = tls::cert("client.crt");
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", 1, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsConfig);
  EXPECT_NE(detail_of(transport).find("key_file"), std::string::npos) << detail_of(transport);
}

TEST(TlsConfig, KeyOfAnotherCertificateIsAConfigurationError) {
  TlsOptions options = with_client("client");
  options.key_file = tls::cert("server.key");
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", 1, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsConfig);
  const std::string detail = detail_of(transport);
  EXPECT_NE(detail.find("does not belong"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("PRIVATE KEY"), std::string::npos) << "key material in: " << detail;
}

TEST(TlsConfig, UnreadableKeyFileIsAConfigurationError) {
  TlsOptions options = with_client("client");
  options.key_file = tls::cert("client.crt");  // a certificate is not a key
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", 1, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsConfig);
  EXPECT_NE(detail_of(transport).find("client key file"), std::string::npos)
      << detail_of(transport);
}

TEST(TlsAlpn, OfferingProtocolsStillConnects) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.alpn = {"mqtt", "x-amzn-mqtt-ca"};
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
  // mosquitto configures no ALPN, so it chooses none.
  EXPECT_EQ(transport.negotiated_alpn(), "");
  EXPECT_TRUE(speaks_mqtt(transport, "tls-alpn"));
}

TEST(TlsResumption, SecondConnectResumesTheSession) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsTransport transport(tls::trusting_test_ca());
  ASSERT_TRUE(transport.connect("localhost", port, kTimeoutMs).ok()) << detail_of(transport);
  EXPECT_FALSE(transport.last_handshake_resumed());
  EXPECT_TRUE(speaks_mqtt(transport, "tls-resume"));
  transport.close();

  for (int reconnect = 0; reconnect < 3; ++reconnect) {
    ASSERT_TRUE(transport.connect("localhost", port, kTimeoutMs).ok()) << detail_of(transport);
    EXPECT_TRUE(transport.last_handshake_resumed()) << "reconnect " << reconnect;
    EXPECT_TRUE(speaks_mqtt(transport, "tls-resume"));  // the resumed keys work
  }

  transport.forget_session();
  ASSERT_TRUE(transport.connect("localhost", port, kTimeoutMs).ok()) << detail_of(transport);
  EXPECT_FALSE(transport.last_handshake_resumed());
}

TEST(TlsResumption, ASessionIsNotOfferedToAnotherAddress) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.server_name = "localhost";  // verified name fixed; only the address changes
  TlsTransport transport(options);
  ASSERT_TRUE(transport.connect("localhost", port, kTimeoutMs).ok()) << detail_of(transport);
  transport.close();
  // The same broker by its address: the session was saved for "localhost@localhost:<port>".
  ASSERT_TRUE(transport.connect("127.0.0.1", port, kTimeoutMs).ok()) << detail_of(transport);
  EXPECT_FALSE(transport.last_handshake_resumed());
  transport.close();
  ASSERT_TRUE(transport.connect("127.0.0.1", port, kTimeoutMs).ok()) << detail_of(transport);
  EXPECT_TRUE(transport.last_handshake_resumed());
}

}  // namespace
}  // namespace mqtt_setup::test
