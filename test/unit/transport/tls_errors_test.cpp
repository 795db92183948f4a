// From mbedTLS results to TransportError: which flag wins, what the socket underneath decides,
// and the detail text's own rules (bounded, never empty for an mbedTLS code).
#if defined(MQTT_SETUP_HAS_TLS)
#include "transport/tls_errors.hpp"

#include <gtest/gtest.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include <string>

namespace mqtt_setup::tls {
namespace {

TEST(TlsVerifyFlags, EachReasonHasItsOwnError) {
  EXPECT_EQ(error_from_verify_flags(MBEDTLS_X509_BADCERT_NOT_TRUSTED), TransportError::TlsUntrusted);
  EXPECT_EQ(error_from_verify_flags(MBEDTLS_X509_BADCERT_CN_MISMATCH),
            TransportError::TlsHostnameMismatch);
  EXPECT_EQ(error_from_verify_flags(MBEDTLS_X509_BADCERT_EXPIRED), TransportError::TlsExpired);
  EXPECT_EQ(error_from_verify_flags(MBEDTLS_X509_BADCERT_FUTURE), TransportError::TlsExpired);
}

TEST(TlsVerifyFlags, UntrustedWinsOverNameAndDates) {
  // A self-signed certificate for another host that has also expired: trust is the problem.
  const std::uint32_t all = MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_CN_MISMATCH |
                            MBEDTLS_X509_BADCERT_EXPIRED;
  EXPECT_EQ(error_from_verify_flags(all), TransportError::TlsUntrusted);
  EXPECT_EQ(deciding_flag(all), std::uint32_t{MBEDTLS_X509_BADCERT_NOT_TRUSTED});
}

TEST(TlsVerifyFlags, NameWinsOverDates) {
  const std::uint32_t flags = MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_FUTURE;
  EXPECT_EQ(error_from_verify_flags(flags), TransportError::TlsHostnameMismatch);
  EXPECT_EQ(deciding_flag(flags), std::uint32_t{MBEDTLS_X509_BADCERT_CN_MISMATCH});
}

TEST(TlsVerifyFlags, UnfitCertificatesAreHandshakeFailures) {
  for (const std::uint32_t flag :
       {std::uint32_t{MBEDTLS_X509_BADCERT_KEY_USAGE}, std::uint32_t{MBEDTLS_X509_BADCERT_EXT_KEY_USAGE},
        std::uint32_t{MBEDTLS_X509_BADCERT_BAD_MD}, std::uint32_t{MBEDTLS_X509_BADCERT_BAD_KEY},
        std::uint32_t{MBEDTLS_X509_BADCERT_REVOKED}}) {
    EXPECT_EQ(error_from_verify_flags(flag), TransportError::TlsHandshake) << flag;
    EXPECT_EQ(deciding_flag(flag), flag);
    EXPECT_NE(describe_verify_flag(flag), "was refused") << flag;
  }
}

TEST(TlsHandshakeError, VerificationFailureUsesTheFlags) {
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
                                 MBEDTLS_X509_BADCERT_EXPIRED, std::nullopt),
            TransportError::TlsExpired);
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE,
                                 MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, std::nullopt),
            TransportError::TlsHandshake);
}

TEST(TlsHandshakeError, TheTimeLimitAndCloseKeepTheirMeaning) {
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_SSL_WANT_READ, 0, TransportError::ConnectTimeout),
            TransportError::ConnectTimeout);
  EXPECT_EQ(error_from_handshake(-0x004C, 0, TransportError::NotConnected),
            TransportError::NotConnected);
}

TEST(TlsHandshakeError, PeerHangingUpMidHandshakeIsAHandshakeFailure) {
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_SSL_CONN_EOF, 0, TransportError::Closed),
            TransportError::TlsHandshake);
  EXPECT_EQ(error_from_handshake(-0x004C, 0, TransportError::Reset), TransportError::TlsHandshake);
}

TEST(TlsHandshakeError, AlertsAndProtocolErrorsAreHandshakeFailures) {
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0, std::nullopt),
            TransportError::TlsHandshake);
  EXPECT_EQ(error_from_handshake(MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE, 0, std::nullopt),
            TransportError::TlsHandshake);
}

TEST(TlsAlerts, CommonAlertsHaveNamesAndAdvice) {
  EXPECT_EQ(alert_name(48), "unknown_ca");
  EXPECT_EQ(alert_name(116), "certificate_required");
  EXPECT_EQ(alert_name(250), "");
  EXPECT_NE(alert_advice(40).find("client certificate"), std::string_view::npos);
  EXPECT_NE(alert_advice(48).find("client's certificate"), std::string_view::npos);
  EXPECT_EQ(alert_advice(0), "");
}

TEST(TlsDetailText, TruncatesInsteadOfOverflowing) {
  DetailText text;
  const std::string long_line(DetailText::kCapacity * 2, 'x');
  text << long_line << "tail";
  EXPECT_EQ(text.view().size(), DetailText::kCapacity);
  text.clear();
  EXPECT_TRUE(text.empty());
  text << "n=" << 42L;
  EXPECT_EQ(text.view(), "n=42");
}

TEST(TlsDetailText, MbedTlsErrorsShowTheCode) {
  DetailText text;
  text.mbedtls_error(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
  EXPECT_EQ(text.view().substr(0, 7), "-0x2700");
}

}  // namespace
}  // namespace mqtt_setup::tls
#endif
