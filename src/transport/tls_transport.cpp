// TLS over a TcpTransport: records in and out, and close() from another thread. The handshake
// is tls_handshake.cpp's; mbedTLS reads and writes through its callbacks on the TCP transport,
// so timeouts and interruption work exactly as for plain TCP.
#include "mqtt_setup/tls_transport.hpp"

#if defined(ESP_PLATFORM)
#include <sys/poll.h>
#else
#include <poll.h>
#endif

#include "mqtt_setup/platform.hpp"
#include "transport/tls_state.hpp"

namespace mqtt_setup {

TlsTransportState::TlsTransportState(const TlsOptions& tls_options) : options(tls_options) {
  mbedtls_ssl_config_init(&config);
  mbedtls_ssl_init(&ssl);
  mbedtls_x509_crt_init(&trust);
  mbedtls_x509_crt_init(&own_cert);
  mbedtls_pk_init(&own_key);
  mbedtls_ssl_session_init(&saved);
}

TlsTransportState::~TlsTransportState() {
  mbedtls_ssl_session_free(&saved);
  mbedtls_ssl_free(&ssl);  // refers to config: freed first
  mbedtls_ssl_config_free(&config);
  mbedtls_pk_free(&own_key);
  mbedtls_x509_crt_free(&own_cert);
  mbedtls_x509_crt_free(&trust);
}

namespace {

// With blocking callbacks, mbedTLS asks again only when a wait ended without data: this bounds
// the loop against a stream of spurious wake-ups; the deadline bounds it in time.
constexpr int kMaxReadRounds = 256;
// close_notify is a courtesy: it is sent only if the socket takes it at once.
constexpr std::uint32_t kCloseNotifyTimeoutMs = 100;

bool wants_io(int r) { return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE; }

bool is_end_of_stream(int r) {
  return r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF;
}

TransportError stream_failure(TlsTransportState& s, int r) {
  if (is_end_of_stream(r)) return TransportError::Closed;
  if (s.io_error) return *s.io_error;
  s.detail.clear();
  s.detail << "mbedTLS: ";
  s.detail.mbedtls_error(r);
  return TransportError::Io;
}

}  // namespace

// One operation on an open connection. The state's lock is not held while it runs; a close()
// from another thread meanwhile only shuts the socket (waking the operation), and the
// operation itself tears down when it finishes, so nothing is freed under its feet.
class TlsTransport::Operation {
 public:
  explicit Operation(TlsTransportState& state) : state_(state) {
    const std::lock_guard lock(state_.mutex);
    if (state_.open && !state_.busy && !state_.closing) {
      state_.busy = true;
      started_ = true;
    }
  }
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;
  ~Operation() = default;

  bool started() const { return started_; }

  // A failed TLS stream cannot be resumed mid-record, so any error closes it.
  template <class T>
  Result<T, TransportError> finish(Result<T, TransportError> result) {
    const std::lock_guard lock(state_.mutex);
    state_.busy = false;
    const bool interrupted = state_.closing;
    state_.closing = false;
    if (interrupted || !result.ok()) {
      state_.open = false;
      state_.tcp.close();
    }
    if (interrupted) return TransportError::NotConnected;
    return result;
  }

 private:
  TlsTransportState& state_;
  bool started_ = false;
};

TlsTransport::TlsTransport(const TlsOptions& options)
    : state_(std::make_unique<TlsTransportState>(options)) {}

TlsTransport::~TlsTransport() { close(); }

Result<void, TransportError> TlsTransport::connect(std::string_view host, std::uint16_t port,
                                                   std::uint32_t timeout_ms) {
  TlsTransportState& s = *state_;
  close();
  {
    const std::lock_guard lock(s.mutex);
    s.busy = true;
    s.connecting = true;
    s.closing = false;
  }
  s.detail.clear();
  s.resumed = false;
  s.deferred_error.reset();
  auto result = tls::open_session(s, host, port, timeout_ms);

  const std::lock_guard lock(s.mutex);
  s.busy = false;
  s.connecting = false;
  if (s.closing) {
    result = TransportError::NotConnected;
    s.detail.clear();
    s.closing = false;
  }
  if (result.ok()) {
    s.open = true;
  } else {
    s.tcp.close();
  }
  return result;
}

namespace {

// Encrypts and writes `data`, one record per mbedtls_ssl_write(). With `send_may_wait` the send
// callback blocks until the socket took a record, so each round makes progress or fails; without
// it, WANT_WRITE means the socket is full (mbedTLS keeps the record it began and finishes it
// when called again with the same bytes) and ends the writing. Returns the bytes written.
Result<std::size_t, TransportError> write_records(TlsTransportState& s,
                                                  std::span<const std::uint8_t> data,
                                                  bool may_wait) {
  s.io_error.reset();
  s.io_may_wait = false;
  s.send_may_wait = may_wait;
  Result<std::size_t, TransportError> result = std::size_t{0};
  std::size_t sent = 0;
  const std::size_t max_rounds = data.size() / 256 + 16;
  for (std::size_t round = 0; sent < data.size() && round < max_rounds; ++round) {
    const int r = mbedtls_ssl_write(&s.ssl, data.data() + sent, data.size() - sent);
    if (r > 0) {
      sent += static_cast<std::size_t>(r);
      continue;
    }
    if (!may_wait && r == MBEDTLS_ERR_SSL_WANT_WRITE) break;
    if (r == 0 || wants_io(r)) continue;
    result = stream_failure(s, r);
    break;
  }
  s.send_may_wait = true;
  if (result.ok()) result = sent;
  return result;
}

}  // namespace

Result<void, TransportError> TlsTransport::send(std::span<const std::uint8_t> data) {
  Operation operation(*state_);
  if (!operation.started()) return TransportError::NotConnected;
  const auto written = write_records(*state_, data, /*may_wait=*/true);
  Result<void, TransportError> result;
  if (!written) {
    result = written.error();
  } else if (*written < data.size()) {
    result = TransportError::Io;
  }
  return operation.finish(result);
}

Result<std::size_t, TransportError> TlsTransport::send_some(std::span<const std::uint8_t> data) {
  Operation operation(*state_);
  if (!operation.started()) return TransportError::NotConnected;
  return operation.finish(write_records(*state_, data, /*may_wait=*/false));
}

Result<std::size_t, TransportError> TlsTransport::receive(std::span<std::uint8_t> out,
                                                          std::uint32_t timeout_ms) {
  TlsTransportState& s = *state_;
  Operation operation(s);
  if (!operation.started()) return TransportError::NotConnected;
  if (s.deferred_error) {
    const TransportError error = *s.deferred_error;
    s.deferred_error.reset();
    return operation.finish(Result<std::size_t, TransportError>(error));
  }
  if (out.empty()) return operation.finish(Result<std::size_t, TransportError>(std::size_t{0}));

  s.io_error.reset();
  s.io_may_wait = timeout_ms > 0;
  s.io_deadline = platform::now_ms() + timeout_ms;
  Result<std::size_t, TransportError> result = std::size_t{0};
  std::size_t got = 0;
  // Keep decrypting until `out` is full or the socket has nothing more: decrypted bytes left
  // inside mbedTLS would be invisible to the caller's poll() on the socket.
  for (int round = 0; round < kMaxReadRounds && got < out.size(); ++round) {
    const int r = mbedtls_ssl_read(&s.ssl, out.data() + got, out.size() - got);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
      s.io_may_wait = false;  // only the first bytes are waited for
      continue;
    }
    if (wants_io(r)) {
      // The callback waited out the time; a non-data record (a ticket, an alert we ignore)
      // may also end a wait early, then wait on.
      if (got > 0 || !s.io_may_wait || platform::now_ms() >= s.io_deadline) break;
      continue;
    }
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (r == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {  // TLS 1.3: tickets come later
      tls::save_session(s, s.saved_for);
      continue;
    }
#endif
    const TransportError error = stream_failure(s, r);
    if (got > 0) {
      s.deferred_error = error;  // hand over what arrived before the end; report it next call
    } else {
      result = error;
    }
    break;
  }
  s.io_may_wait = false;
  if (result.ok()) result = got;
  return operation.finish(result);
}

void TlsTransport::close() {
  TlsTransportState& s = *state_;
  std::unique_lock lock(s.mutex);
  if (s.busy) {
    // Another thread is in an operation: wake it; it tears down itself.
    s.closing = true;
    s.tcp.close();
    return;
  }
  if (!s.open) {
    s.tcp.close();
    return;
  }
  s.open = false;
  s.busy = true;
  lock.unlock();
  // close_notify tells the broker the stream ended on purpose (no truncation); only if the
  // socket can take it now, so close() never waits on a dead link.
  pollfd entry{s.tcp.native_handle(), POLLOUT, 0};
  if (entry.fd >= 0 && ::poll(&entry, 1, 0) == 1 && (entry.revents & POLLOUT) != 0) {
    s.tcp.set_send_timeout(kCloseNotifyTimeoutMs);
    (void)mbedtls_ssl_close_notify(&s.ssl);
    s.tcp.set_send_timeout(s.send_timeout_ms);
  }
  s.tcp.close();
  lock.lock();
  s.busy = false;
  s.closing = false;
}

void TlsTransport::interrupt() {
  TlsTransportState& s = *state_;
  {
    const std::lock_guard lock(s.mutex);
    if (s.busy) {
      s.closing = true;
      // A connect() may not have begun its TCP connect yet: TcpTransport::interrupt() reaches
      // it all the same.
      if (s.connecting) {
        s.tcp.interrupt();
      } else {
        s.tcp.close();
      }
      return;
    }
  }
  close();
  s.tcp.interrupt();  // the next connect() (about to begin on the owning thread) fails at once
}

bool TlsTransport::is_open() const {
  const std::lock_guard lock(state_->mutex);
  return state_->open && !state_->closing;
}

int TlsTransport::native_handle() const {
  const std::lock_guard lock(state_->mutex);
  return state_->open && !state_->closing ? state_->tcp.native_handle() : -1;
}

std::size_t TlsTransport::pending() const {
  const TlsTransportState& s = *state_;
  const std::lock_guard lock(s.mutex);
  if (!s.open || s.busy) return 0;
  if (s.deferred_error) return 1;
  std::size_t n = mbedtls_ssl_get_bytes_avail(&s.ssl);
  if (n == 0 && mbedtls_ssl_check_pending(&s.ssl) != 0) n = 1;
  return n;
}

std::string_view TlsTransport::last_error_detail() const { return state_->detail.view(); }

bool TlsTransport::last_handshake_resumed() const { return state_->resumed; }

std::string_view TlsTransport::negotiated_alpn() const {
#if defined(MBEDTLS_SSL_ALPN)
  const std::lock_guard lock(state_->mutex);
  if (!state_->open) return {};
  const char* protocol = mbedtls_ssl_get_alpn_protocol(&state_->ssl);
  return protocol != nullptr ? std::string_view(protocol) : std::string_view{};
#else
  return {};
#endif
}

void TlsTransport::forget_session() {
  const std::lock_guard lock(state_->mutex);
  tls::drop_session(*state_);
}

void TlsTransport::set_send_timeout(std::uint32_t timeout_ms) {
  state_->send_timeout_ms = timeout_ms;
  state_->tcp.set_send_timeout(timeout_ms);
}

}  // namespace mqtt_setup
