// TlsTransport's insides, shared by tls_transport.cpp (connection), tls_config.cpp (trust
// anchors, client certificate, mbedTLS configuration) and tls_verify.cpp (what certificate
// verification found). Private to the transport layer; keeps mbedTLS out of public headers.
#pragma once

#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "mqtt_setup/tls_options.hpp"
#include "mqtt_setup/tcp_transport.hpp"
#include "mqtt_setup/transport.hpp"
#include "transport/tls_errors.hpp"

// mbedTLS 3 made most struct members private (readable through MBEDTLS_PRIVATE); 2.x has them
// public and no such macro. We read only what no public function offers.
#if MBEDTLS_VERSION_MAJOR >= 3
#define MQTT_SETUP_MBEDTLS_FIELD(name) MBEDTLS_PRIVATE(name)
#else
#define MQTT_SETUP_MBEDTLS_FIELD(name) name
#endif

namespace mqtt_setup {

namespace tls {

/// One certificate that verification complained about, copied out of mbedTLS's callback
/// because the chain is freed by the time connect() reports.
struct CertificateProblem {
  int depth = 0;  // 0: the broker's own certificate; 1: its issuer; ...
  std::uint32_t flags = 0;
  bool self_signed = false;
  std::array<char, 128> subject{};
  mbedtls_x509_time valid_from{};
  mbedtls_x509_time valid_to{};
};

/// Chains from brokers are short; problems beyond this many are counted, not described.
inline constexpr std::size_t kMaxProblems = 4;

}  // namespace tls

struct TlsTransportState {
  explicit TlsTransportState(const TlsOptions& tls_options);
  ~TlsTransportState();
  TlsTransportState(const TlsTransportState&) = delete;
  TlsTransportState& operator=(const TlsTransportState&) = delete;

  TlsOptions options;
  TcpTransport tcp;
  std::uint32_t send_timeout_ms = TcpTransport::kDefaultSendTimeoutMs;

  // --- mbedTLS, initialised by the constructor, freed by the destructor (the random generator
  // is the process's: tls_random.hpp)
  mbedtls_ssl_config config;
  mbedtls_ssl_context ssl;
  mbedtls_x509_crt trust;        // CA certificates (empty when the ESP-IDF bundle is used)
  mbedtls_x509_crt own_cert;     // client certificate chain (mutual TLS)
  mbedtls_pk_context own_key;
  mbedtls_ssl_session saved;     // the last good session, offered on the next connect
  std::vector<const char*> alpn;  // NULL-terminated list into options.alpn, as mbedTLS wants
  bool configured = false;       // config complete (files loaded)
  bool ssl_ready = false;        // mbedtls_ssl_setup() done: record buffers allocated
  bool have_saved = false;
  std::array<char, 300> saved_for{};  // "name@host:port" the saved session belongs to

#if defined(ESP_PLATFORM)
  // The certificate bundle installs its own verify callback; ours runs after it.
  int (*bundle_verify)(void*, mbedtls_x509_crt*, int, std::uint32_t*) = nullptr;
  void* bundle_context = nullptr;
#endif

  // --- the socket under mbedTLS (tls_transport.cpp's BIO callbacks)
  bool io_may_wait = false;       // false: never block (receive(…, 0) and after the first bytes)
  bool send_may_wait = true;      // false inside send_some(): a full socket is WANT_WRITE
  std::uint64_t io_deadline = 0;  // when waiting, until then
  std::optional<TransportError> io_error;  // what the socket said when a callback failed

  // --- what the last handshake found (tls_verify.cpp)
  int verify_calls = 0;
  std::uint32_t verify_flags = 0;
  std::size_t problem_count = 0;
  std::array<tls::CertificateProblem, tls::kMaxProblems> problems{};
  bool resumed = false;
  // The verified name when it is an IP literal (4 or 16 bytes, else 0): mbedTLS before 3.5
  // compares it only with DNS names, so on_verify checks the iPAddress SANs itself.
  std::array<unsigned char, 16> expected_ip{};
  std::size_t expected_ip_size = 0;

  // --- outcome
  std::optional<TransportError> deferred_error;  // end of stream seen after returning bytes
  tls::DetailText detail;

  // --- which thread may touch the above: see TlsTransport::Operation
  mutable std::mutex mutex;
  bool open = false;     // handshake done, not closed
  bool busy = false;     // an operation runs without the lock
  bool connecting = false;  // that operation is connect()
  bool closing = false;  // close() was called during it
};

namespace tls {

/// Seeds the random generator if needed and builds the mbedTLS configuration: trust
/// anchors, verification mode, TLS 1.2 minimum, client certificate, ALPN. Done once; on failure
/// everything is undone (so the next connect() tries again) and `state.detail` says why.
Result<void, TransportError> configure(TlsTransportState& state);

/// mbedTLS's certificate verification callback (mbedtls_ssl_conf_verify): records what it found
/// for error_detail(), and counts calls (none means the handshake resumed a session).
int on_verify(void* state, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags);

/// Clears what on_verify() recorded, before a handshake.
void reset_verification(TlsTransportState& state);
/// Before a handshake: when `name` is an IP literal, remember it for the iPAddress SAN check.
void expect_address(TlsTransportState& state, const char* name);

/// TCP connect, then the handshake, both within `timeout_ms`; offers the saved session when
/// it belongs to the same name, host and port. The caller has marked the state busy.
Result<void, TransportError> open_session(TlsTransportState& state, std::string_view host,
                                          std::uint16_t port, std::uint32_t timeout_ms);

/// Keeps the current session for resumption under `key` ("name@host:port").
void save_session(TlsTransportState& state, const std::array<char, 300>& key);
/// Forgets the saved session: the next handshake is a full one.
void drop_session(TlsTransportState& state);

/// Writes the detail for a failed handshake (certificate, alert, socket) into state.detail.
void describe_handshake_failure(TlsTransportState& state, int mbedtls_error, TransportError error,
                                std::string_view name);

}  // namespace tls
}  // namespace mqtt_setup
