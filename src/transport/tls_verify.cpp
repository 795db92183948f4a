// What certificate verification found, kept for the error detail: mbedTLS reports only a set
// of flags at the end, and frees the broker's chain before we could name the culprit.
#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "transport/tls_state.hpp"

namespace mqtt_setup::tls {
namespace {

bool has_certificate(const mbedtls_x509_crt& chain) { return chain.version != 0; }

bool self_signed(const mbedtls_x509_crt& certificate) {
  return certificate.issuer_raw.len == certificate.subject_raw.len &&
         std::memcmp(certificate.issuer_raw.p, certificate.subject_raw.p,
                     certificate.subject_raw.len) == 0;
}

bool looks_like_ip_address(std::string_view name) {
  if (name.find(':') != std::string_view::npos) return true;  // IPv6
  return !name.empty() && name.find_first_not_of("0123456789.") == std::string_view::npos;
}

void append_date(DetailText& detail, const mbedtls_x509_time& t) {
  char text[24];
  const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d UTC", t.year, t.mon,
                              t.day, t.hour, t.min);
  detail << std::string_view(text, n > 0 ? static_cast<std::size_t>(n) : 0);
}

// The certificate that carries `flag`, first in the order mbedTLS verified them.
const CertificateProblem* culprit(const TlsTransportState& state, std::uint32_t flag) {
  for (std::size_t i = 0; i < state.problem_count; ++i) {
    if ((state.problems[i].flags & flag) != 0) return &state.problems[i];
  }
  return nullptr;
}

void describe_certificate(TlsTransportState& state, std::string_view name) {
  DetailText& d = state.detail;
  const std::uint32_t flag = deciding_flag(state.verify_flags);
  const CertificateProblem* p = culprit(state, flag);
  if (p == nullptr) {
    d << "the broker's certificate " << describe_verify_flag(flag);
    return;
  }
  d << "certificate '" << std::string_view(p->subject.data()) << "'";
  if (p->depth > 0) d << " (issuer at depth " << static_cast<long>(p->depth) << ")";
  d << " " << describe_verify_flag(flag);
  switch (flag) {
    case MBEDTLS_X509_BADCERT_NOT_TRUSTED:
      if (p->self_signed) d << " (it is self-signed)";
      d << " — the CA that signed it is not among the trust anchors";
      break;
    case MBEDTLS_X509_BADCERT_CN_MISMATCH:
      if (looks_like_ip_address(name)) {
        d << " '" << name << "' (compared with its subjectAltName IP addresses)";
      } else {
        d << " '" << name << "' (compared with its subjectAltName DNS names, else its CN)";
      }
      break;
    case MBEDTLS_X509_BADCERT_EXPIRED:
      d << ": valid until ";
      append_date(d, p->valid_to);
      break;
    case MBEDTLS_X509_BADCERT_FUTURE:
      d << ": valid from ";
      append_date(d, p->valid_from);
      d << " — is this device's clock set?";
      break;
    default:
      break;
  }
}

// A broker that hangs up once our Certificate message (possibly empty) is out is refusing the
// client; one that hangs up before it probably does not speak TLS at all. A broker often sends
// an alert first, but it is lost: the reset it causes makes our next send fail, and a failed
// socket is closed before the alert could be read.
bool past_client_certificate(const TlsTransportState& state) {
  return state.ssl.MQTT_SETUP_MBEDTLS_FIELD(state) > MBEDTLS_SSL_CLIENT_CERTIFICATE;
}

bool has_client_certificate(const TlsTransportState& state) {
  return has_certificate(state.own_cert);
}

int fatal_alert(const TlsTransportState& state) {
  // mbedTLS has no accessor for the alert it received; it is still in the input record.
  const mbedtls_ssl_context& ssl = state.ssl;
  const unsigned char* message = ssl.MQTT_SETUP_MBEDTLS_FIELD(in_msg);
  if (message == nullptr || ssl.MQTT_SETUP_MBEDTLS_FIELD(in_msglen) < 2) return -1;
  return message[1];
}

#if MBEDTLS_VERSION_NUMBER < 0x03050000
// RFC 5280 4.2.1.6: an iPAddress GeneralName ([7] IMPLICIT OCTET STRING) holds the 4 or 16
// address bytes. mbedTLS keeps every subjectAltName entry raw in subject_alt_names.
bool certificate_names_address(const mbedtls_x509_crt& certificate, const unsigned char* ip,
                               std::size_t ip_size) {
  constexpr int kIpAddressTag = MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7;
  for (const mbedtls_x509_sequence* san = &certificate.subject_alt_names; san != nullptr;
       san = san->next) {
    if (san->buf.tag == kIpAddressTag && san->buf.len == ip_size &&
        std::memcmp(san->buf.p, ip, ip_size) == 0) {
      return true;
    }
  }
  return false;
}
#endif

}  // namespace

void expect_address(TlsTransportState& state, const char* name) {
  state.expected_ip_size = 0;
#if MBEDTLS_VERSION_NUMBER < 0x03050000
  if (::inet_pton(AF_INET, name, state.expected_ip.data()) == 1) {
    state.expected_ip_size = 4;
  } else if (::inet_pton(AF_INET6, name, state.expected_ip.data()) == 1) {
    state.expected_ip_size = 16;
  }
#else
  (void)name;
#endif
}

int on_verify(void* context, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags) {
  auto& state = *static_cast<TlsTransportState*>(context);
#if defined(ESP_PLATFORM)
  if (state.bundle_verify != nullptr) {
    const int r = state.bundle_verify(state.bundle_context, certificate, depth, flags);
    if (r != 0) return r;
  }
#endif
  ++state.verify_calls;
#if MBEDTLS_VERSION_NUMBER < 0x03050000
  if (depth == 0 && state.expected_ip_size != 0 && (*flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) &&
      certificate_names_address(*certificate, state.expected_ip.data(), state.expected_ip_size)) {
    *flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_CN_MISMATCH);
  }
#endif
  if (*flags == 0) return 0;
  state.verify_flags |= *flags;
  if (state.problem_count < kMaxProblems) {
    CertificateProblem& p = state.problems[state.problem_count++];
    p.depth = depth;
    p.flags = *flags;
    p.self_signed = self_signed(*certificate);
    if (mbedtls_x509_dn_gets(p.subject.data(), p.subject.size(), &certificate->subject) < 0) {
      std::snprintf(p.subject.data(), p.subject.size(), "?");
    }
    p.valid_from = certificate->valid_from;
    p.valid_to = certificate->valid_to;
  }
  return 0;
}

void reset_verification(TlsTransportState& state) {
  state.verify_calls = 0;
  state.verify_flags = 0;
  state.problem_count = 0;
}

void describe_handshake_failure(TlsTransportState& state, int mbedtls_error, TransportError error,
                                std::string_view name) {
  DetailText& d = state.detail;
  d.clear();
  switch (error) {
    case TransportError::TlsUntrusted:
    case TransportError::TlsHostnameMismatch:
    case TransportError::TlsExpired:
      describe_certificate(state, name);
      return;
    case TransportError::ConnectTimeout:
      d << "the TLS handshake with '" << name << "' did not finish within the connect timeout";
      return;
    case TransportError::NotConnected:
      return;  // close() was called: nothing went wrong
    default:
      break;
  }
  if (mbedtls_error == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
    const int alert = fatal_alert(state);
    d << "the broker ended the handshake with TLS alert ";
    if (!alert_name(alert).empty()) d << alert_name(alert) << " ";
    d << "(" << static_cast<long>(alert) << ")";
    if (!alert_advice(alert).empty()) d << " — " << alert_advice(alert);
    return;
  }
  if (state.io_error) {
    d << "the broker hung up during the TLS handshake";
    if (!past_client_certificate(state)) {
      d << " — is this a TLS port?";
    } else if (has_client_certificate(state)) {
      d << " after receiving this client's certificate — it does not accept it (signed by a CA "
           "the broker trusts? still valid?)";
    } else {
      d << " after this client sent no client certificate — the broker may require one "
           "(cert_file/key_file, --cert/--key)";
    }
    return;
  }
  if (state.verify_flags != 0) {
    describe_certificate(state, name);
    return;
  }
  d << "mbedTLS: ";
  d.mbedtls_error(mbedtls_error);
}

}  // namespace mqtt_setup::tls
