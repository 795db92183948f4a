// Secure by default, against mosquitto: a trusted broker is accepted, and every kind of bad
// certificate is refused with its own TransportError and a detail naming the certificate.
#include <gtest/gtest.h>

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

// CONNECT / CONNACK over the transport: proves the stream after the handshake is usable.
bool speaks_mqtt(TlsTransport& transport, std::string_view client_id) {
  if (!transport.send(connect({.client_id = client_id})).ok()) return false;
  PacketBuffer rx;
  const auto ack = receive_packet(transport, rx);
  return ack && ack->bytes == connack(false, 0);
}

TEST(TlsVerify, TrustedBrokerIsAcceptedAndSpeaksMqtt) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
  EXPECT_TRUE(transport.is_open());
  EXPECT_GE(transport.native_handle(), 0);
  EXPECT_EQ(detail_of(transport), "");
  EXPECT_TRUE(speaks_mqtt(transport, "tls-trusted"));
}

TEST(TlsVerify, ServerNameOverrideVerifiesThatName) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.server_name = "localhost";  // connecting by address, verifying the certificate's name
  TlsTransport transport(options);
  const auto connected = transport.connect("127.0.0.1", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
  EXPECT_TRUE(speaks_mqtt(transport, "tls-server-name"));
}

// An address is verified against the certificate's iPAddress SANs (mbedTLS before 3.5 does not
// do that itself: tls_verify.cpp does).
TEST(TlsVerify, AnAddressIsVerifiedAgainstIpAddressNames) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("127.0.0.1", port, kTimeoutMs);
  ASSERT_TRUE(connected.ok()) << describe(connected.error()) << ": " << detail_of(transport);
  EXPECT_TRUE(speaks_mqtt(transport, "tls-address"));
}

TEST(TlsVerify, AnAddressTheCertificateDoesNotHoldIsRefused) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.server_name = "10.9.8.7";
  TlsTransport transport(options);
  const auto connected = transport.connect("127.0.0.1", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHostnameMismatch);
  EXPECT_NE(detail_of(transport).find("10.9.8.7"), std::string::npos) << detail_of(transport);
}

TEST(TlsVerify, ServerNameTheCertificateDoesNotHoldIsRefused) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options = tls::trusting_test_ca();
  options.server_name = "broker.example.com";
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHostnameMismatch);
  EXPECT_NE(detail_of(transport).find("broker.example.com"), std::string::npos)
      << detail_of(transport);
  EXPECT_FALSE(transport.is_open());
}

TEST(TlsVerify, CertificateForAnotherHostIsRefused) {
  REQUIRE_BROKER(tls::kWrongHost);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsHostnameMismatch);
  const std::string detail = detail_of(transport);
  EXPECT_NE(detail.find("CN=wrong.example"), std::string::npos) << detail;
  EXPECT_NE(detail.find("'localhost'"), std::string::npos) << detail;
}

TEST(TlsVerify, CertificateFromAnUntrustedIssuerIsRefused) {
  REQUIRE_BROKER(tls::kUntrusted);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsUntrusted);
  const std::string detail = detail_of(transport);
  EXPECT_NE(detail.find("not signed by a trusted CA"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("self-signed"), std::string::npos) << detail;
}

TEST(TlsVerify, SelfSignedCertificateIsRefused) {
  REQUIRE_BROKER(tls::kSelfSigned);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsUntrusted);
  EXPECT_NE(detail_of(transport).find("self-signed"), std::string::npos) << detail_of(transport);
}

TEST(TlsVerify, ExpiredCertificateIsRefused) {
  REQUIRE_BROKER(tls::kExpired);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsExpired);
  const std::string detail = detail_of(transport);
  EXPECT_NE(detail.find("has expired: valid until 2021-01-01"), std::string::npos) << detail;
}

TEST(TlsVerify, NotYetValidCertificateIsRefused) {
  REQUIRE_BROKER(tls::kFuture);
  TlsTransport transport(tls::trusting_test_ca());
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  EXPECT_EQ(connected.error(), TransportError::TlsExpired);
  const std::string detail = detail_of(transport);
  EXPECT_NE(detail.find("valid from 2090-01-01"), std::string::npos) << detail;
  EXPECT_NE(detail.find("clock"), std::string::npos) << detail;
}

TEST(TlsVerify, TheSystemStoreDoesNotTrustTheTestCa) {
  REQUIRE_BROKER(tls::kTrusted);
  TlsOptions options;
  options.enabled = true;  // no CA given: the system store
  TlsTransport transport(options);
  const auto connected = transport.connect("localhost", port, kTimeoutMs);
  ASSERT_FALSE(connected.ok());
  // Without ca-certificates installed the store is missing: a configuration error instead.
  EXPECT_TRUE(connected.error() == TransportError::TlsUntrusted ||
              connected.error() == TransportError::TlsConfig)
      << describe(connected.error()) << ": " << detail_of(transport);
}

TEST(TlsVerify, InsecureConnectsToAnyCertificate) {
  for (const char* broker : {tls::kSelfSigned, tls::kWrongHost, tls::kExpired, tls::kUntrusted}) {
    const std::uint16_t port = broker_port(broker);
    if (port == 0) GTEST_SKIP() << "no '" << broker << "' broker: run through ctest";
    TlsOptions options;
    options.enabled = true;
    options.insecure = true;
    TlsTransport transport(options);
    const auto connected = transport.connect("localhost", port, kTimeoutMs);
    ASSERT_TRUE(connected.ok()) << broker << ": " << describe(connected.error()) << ": "
                                << detail_of(transport);
    EXPECT_TRUE(speaks_mqtt(transport, std::string("tls-insecure-") + broker)) << broker;
  }
}

TEST(TlsVerify, ARefusalIsFinalNotTransient) {
  for (const auto error : {TransportError::TlsUntrusted, TransportError::TlsHostnameMismatch,
                           TransportError::TlsExpired, TransportError::TlsHandshake,
                           TransportError::TlsConfig}) {
    EXPECT_FALSE(is_transient(error)) << describe(error);
  }
}

}  // namespace
}  // namespace mqtt_setup::test
