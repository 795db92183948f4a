// MQTT over TLS (mbedTLS 2.28 on Debian, 3.x on ESP-IDF 5), secure by default: the broker's
// certificate chain AND host name are verified, TLS 1.2 is the minimum. Built when the library
// was configured with MQTT_SETUP_TLS (the default when mbedTLS is found).
//
// Trust anchors: TlsOptions::ca_pem, ca_file and ca_path (all that are given); when none is,
// the system store (/etc/ssl/certs/ca-certificates.crt and the other usual bundle paths on
// Linux, the ESP-IDF certificate bundle on ESP32). `insecure` turns verification off and is
// meant for a first test on a bench only.
//
// Threading: as Transport. One thread connects, sends and receives; close() may also come from
// another thread and then interrupts a blocked connect() (handshake included), send() or
// receive(), which return NotConnected.
// Memory: the mbedTLS contexts are allocated by the constructor and kept for the life of the
// transport; the first connect() loads the CA / certificate / key files and sets up the record
// buffers (MBEDTLS_SSL_IN_CONTENT_LEN + OUT_CONTENT_LEN plus overhead), which later connects
// reuse. mbedTLS itself allocates handshake state during each handshake and frees it at the end.
// docs/tls.md has the measured figures and the ESP32 settings that shrink them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "mqtt_setup/tls_options.hpp"
#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {

struct TlsTransportState;  // mbedTLS contexts and connection state (src/transport/tls_state.hpp)

class TlsTransport final : public Transport {
 public:
  /// Keeps a copy of `options`; files are read by the first connect(), not here.
  explicit TlsTransport(const TlsOptions& options);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  /// TCP connect (as TcpTransport), then the TLS handshake; `timeout_ms` bounds both together.
  /// The name verified and sent as SNI is TlsOptions::server_name, else `host`. When the last
  /// handshake with the same host, port and name succeeded, its session is offered for
  /// resumption (an abbreviated handshake: no certificate exchange, no key agreement).
  /// Errors: those of TcpTransport::connect, and
  ///   TlsUntrusted         the chain does not lead to a trust anchor (includes self-signed)
  ///   TlsHostnameMismatch  the certificate does not name the host (or server_name)
  ///   TlsExpired           a certificate in the chain is expired or not yet valid
  ///   TlsHandshake         anything else: alert from the broker (e.g. client certificate
  ///                        required or refused), no common version or cipher suite, a port
  ///                        that does not speak TLS
  ///   TlsConfig            a CA, certificate or key is unreadable or invalid, no trust anchor
  /// last_error_detail() then says which certificate, which file, which alert.
  Result<void, TransportError> connect(std::string_view host, std::uint16_t port,
                                       std::uint32_t timeout_ms) override;

  /// Encrypts and writes all of `data` (several records if needed). Errors as TcpTransport::send.
  Result<void, TransportError> send(std::span<const std::uint8_t> data) override;
  /// Encrypts and writes what the socket takes now. A record begun and not yet written stays in
  /// mbedTLS: the next call must start at the same byte. Errors as send().
  Result<std::size_t, TransportError> send_some(std::span<const std::uint8_t> data) override;

  /// Waits up to `timeout_ms` (0: not at all) for the first bytes, then keeps decrypting
  /// without waiting until `out` is full or nothing more is available. So when it returns,
  /// mbedTLS holds no decrypted byte unless `out` was filled; pending() tells the caller then,
  /// because those bytes do not make the socket readable. Errors: Closed (close_notify or
  /// EOF; bytes received before it are returned first), Reset, NotConnected, Io.
  Result<std::size_t, TransportError> receive(std::span<std::uint8_t> out,
                                              std::uint32_t timeout_ms) override;

  /// Sends close_notify when the socket can take it at once, then closes. Idempotent. Keeps
  /// the saved session, so the next connect() can resume it.
  void close() override;
  /// close(), and when no call is in progress, the next connect() returns NotConnected at once.
  void interrupt() override;
  bool is_open() const override;
  int native_handle() const override;
  /// Bytes receive() can return without the socket becoming readable (decrypted or already
  /// read from the socket), or 1 when an end of stream is waiting to be reported.
  std::size_t pending() const override;

  /// One line on the last failure of connect(), send() or receive(): the certificate's subject
  /// and dates, the file that could not be read, the alert the broker sent. Never contains key
  /// material or passwords. Empty after success. Valid until the next call on this transport.
  std::string_view last_error_detail() const override;

  /// Whether the last successful handshake resumed a saved session.
  bool last_handshake_resumed() const;
  /// The ALPN protocol the broker chose, or "" (none offered or none chosen).
  std::string_view negotiated_alpn() const;
  /// Drops the saved session: the next handshake is a full one.
  void forget_session();

  void set_send_timeout(std::uint32_t timeout_ms);

 private:
  class Operation;
  std::unique_ptr<TlsTransportState> state_;
};

}  // namespace mqtt_setup
