#include "transport/tls_errors.hpp"

#include <mbedtls/error.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace mqtt_setup::tls {

DetailText& DetailText::operator<<(std::string_view text) {
  const std::size_t n = std::min(text.size(), kCapacity - size_);
  std::memcpy(buffer_ + size_, text.data(), n);
  size_ += n;
  return *this;
}

DetailText& DetailText::operator<<(long number) {
  char digits[24];
  const int n = std::snprintf(digits, sizeof digits, "%ld", number);
  return *this << std::string_view(digits, n > 0 ? static_cast<std::size_t>(n) : 0);
}

DetailText& DetailText::mbedtls_error(int code) {
  char text[160];
  int n = std::snprintf(text, sizeof text, "-0x%04X", static_cast<unsigned>(-code));
  *this << std::string_view(text, n > 0 ? static_cast<std::size_t>(n) : 0);
#if defined(MBEDTLS_ERROR_C)
  mbedtls_strerror(code, text, sizeof text);
  *this << " (" << std::string_view(text) << ")";
#endif
  return *this;
}

namespace {

constexpr std::uint32_t kTimeFlags = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;

// mbedTLS 3 renamed 2.28's MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE (same value, -0x7A00); Debian 12
// ships 2.28, ESP-IDF 5 ships 3.6.
#if defined(MBEDTLS_ERR_SSL_BAD_CERTIFICATE)
constexpr int kBadCertificate = MBEDTLS_ERR_SSL_BAD_CERTIFICATE;
#else
constexpr int kBadCertificate = MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE;
#endif

bool is_verify_failure(int code) {
  return code == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || code == kBadCertificate;
}

}  // namespace

std::uint32_t deciding_flag(std::uint32_t flags) {
  for (const std::uint32_t flag : {std::uint32_t{MBEDTLS_X509_BADCERT_NOT_TRUSTED},
                                   std::uint32_t{MBEDTLS_X509_BADCERT_CN_MISMATCH},
                                   std::uint32_t{MBEDTLS_X509_BADCERT_EXPIRED},
                                   std::uint32_t{MBEDTLS_X509_BADCERT_FUTURE}}) {
    if ((flags & flag) != 0) return flag;
  }
  return flags & (~flags + 1);  // lowest set bit: any other reason
}

TransportError error_from_verify_flags(std::uint32_t flags) {
  if ((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0) return TransportError::TlsUntrusted;
  if ((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0) return TransportError::TlsHostnameMismatch;
  if ((flags & kTimeFlags) != 0) return TransportError::TlsExpired;
  // Key usage, a weak hash or key, revocation: the certificate is trusted but unfit.
  return TransportError::TlsHandshake;
}

std::string_view describe_verify_flag(std::uint32_t flag) {
  switch (flag) {
    case MBEDTLS_X509_BADCERT_EXPIRED: return "has expired";
    case MBEDTLS_X509_BADCERT_FUTURE: return "is not valid yet";
    case MBEDTLS_X509_BADCERT_REVOKED: return "has been revoked";
    case MBEDTLS_X509_BADCERT_CN_MISMATCH: return "does not name the host";
    case MBEDTLS_X509_BADCERT_NOT_TRUSTED: return "is not signed by a trusted CA";
    case MBEDTLS_X509_BADCERT_MISSING: return "is missing";
    case MBEDTLS_X509_BADCERT_SKIP_VERIFY: return "was not verified";
    case MBEDTLS_X509_BADCERT_KEY_USAGE: return "may not be used for this (key usage)";
    case MBEDTLS_X509_BADCERT_EXT_KEY_USAGE:
      return "may not be used for a TLS server (extended key usage)";
    case MBEDTLS_X509_BADCERT_NS_CERT_TYPE: return "may not be used for this (certificate type)";
    case MBEDTLS_X509_BADCERT_BAD_MD: return "is signed with a hash that is not acceptable";
    case MBEDTLS_X509_BADCERT_BAD_PK: return "is signed with an algorithm that is not acceptable";
    case MBEDTLS_X509_BADCERT_BAD_KEY: return "has a key that is too weak or of an unknown kind";
    default: return "was refused";
  }
}

TransportError error_from_handshake(int mbedtls_error, std::uint32_t verify_flags,
                                    std::optional<TransportError> io_error) {
  if (verify_flags != 0 && is_verify_failure(mbedtls_error)) {
    return error_from_verify_flags(verify_flags);
  }
  if (io_error) {
    switch (*io_error) {
      // The time limit and an interrupting close() keep their meaning: nothing about TLS.
      case TransportError::ConnectTimeout:
      case TransportError::Timeout:
        return TransportError::ConnectTimeout;
      case TransportError::NotConnected:
        return TransportError::NotConnected;
      // The TCP connection was up and the peer dropped it mid-handshake: the usual reasons are
      // a port that does not speak TLS, or a broker that refuses this client; retrying at the
      // normal pace would not change either.
      default:
        return TransportError::TlsHandshake;
    }
  }
  return TransportError::TlsHandshake;
}

std::string_view alert_name(int alert) {
  switch (alert) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "";
  }
}

std::string_view alert_advice(int alert) {
  switch (alert) {
    case 40:   // what OpenSSL sends in TLS 1.2 when a required client certificate is missing
    case 116:  // the TLS 1.3 name for it
      return "the broker may require a client certificate (cert_file/key_file, --cert/--key), "
             "or shares no cipher suite with this client";
    case 42:
    case 43:
    case 44:
    case 45:
    case 46:
    case 48:
      return "the broker refused this client's certificate — is it signed by a CA the broker "
             "trusts, and still valid?";
    case 70:
    case 71:
      return "the broker and this client share no TLS version (this client needs TLS 1.2 or "
             "newer)";
    case 112: return "the broker does not know the server name sent (SNI)";
    case 120: return "the broker accepts none of the ALPN protocols offered";
    default: return "";
  }
}

}  // namespace mqtt_setup::tls
