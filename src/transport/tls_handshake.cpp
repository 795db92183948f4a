// The handshake: TCP connect, then TLS within the same time limit, offering the saved session.
// mbedTLS reads and writes through two callbacks on the TcpTransport, so the connect timeout
// and an interrupting close() work exactly as for plain TCP.
#include <mbedtls/net_sockets.h>  // only for the MBEDTLS_ERR_NET_* codes our callbacks return

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "mqtt_setup/platform.hpp"
#include "transport/tls_state.hpp"

namespace mqtt_setup::tls {
namespace {

// With a blocking receive callback mbedTLS asks again only when a wait ended without data:
// this bounds the loop against spurious wake-ups; the deadline bounds it in time.
constexpr int kMaxHandshakeRounds = 1000;

bool wants_io(int r) { return r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE; }

int send_to_socket(void* context, const unsigned char* data, std::size_t size) {
  auto& state = *static_cast<TlsTransportState*>(context);
  const std::span<const std::uint8_t> bytes{data, std::min<std::size_t>(size, INT_MAX)};
  if (!state.send_may_wait) {  // send_some(): what the socket takes now, else come back later
    const auto took = state.tcp.send_some(bytes);
    if (!took) {
      state.io_error = took.error();
      return MBEDTLS_ERR_NET_SEND_FAILED;
    }
    return *took == 0 ? MBEDTLS_ERR_SSL_WANT_WRITE : static_cast<int>(*took);
  }
  const auto sent = state.tcp.send(bytes);
  if (!sent) {
    state.io_error = sent.error();
    return MBEDTLS_ERR_NET_SEND_FAILED;
  }
  return static_cast<int>(bytes.size());
}

int receive_from_socket(void* context, unsigned char* buffer, std::size_t size) {
  auto& state = *static_cast<TlsTransportState*>(context);
  std::uint32_t wait = 0;
  if (state.io_may_wait) {
    const std::uint64_t now = platform::now_ms();
    if (now < state.io_deadline) {
      wait = static_cast<std::uint32_t>(std::min<std::uint64_t>(state.io_deadline - now, UINT32_MAX));
    }
  }
  const auto got = state.tcp.receive({buffer, std::min<std::size_t>(size, INT_MAX)}, wait);
  if (!got) {
    state.io_error = got.error();
    // 0 is how mbedTLS wants to hear of an orderly end of stream (MBEDTLS_ERR_SSL_CONN_EOF).
    return got.error() == TransportError::Closed ? 0 : MBEDTLS_ERR_NET_RECV_FAILED;
  }
  if (*got == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  return static_cast<int>(*got);
}

// The saved session is offered only to the same name at the same address: another broker
// would refuse it anyway, and a session says nothing about a name it was not verified for.
void session_key(std::array<char, 300>& key, std::string_view name, std::string_view host,
                 std::uint16_t port) {
  std::snprintf(key.data(), key.size(), "%.*s@%.*s:%u", static_cast<int>(name.size()),
                name.data(), static_cast<int>(host.size()), host.data(),
                static_cast<unsigned>(port));
}

}  // namespace

void drop_session(TlsTransportState& s) {
  mbedtls_ssl_session_free(&s.saved);
  mbedtls_ssl_session_init(&s.saved);
  s.have_saved = false;
}

void save_session(TlsTransportState& s, const std::array<char, 300>& key) {
  drop_session(s);
  if (mbedtls_ssl_get_session(&s.ssl, &s.saved) == 0) {
    s.have_saved = true;
    s.saved_for = key;
  }
}

Result<void, TransportError> open_session(TlsTransportState& s, std::string_view host,
                                          std::uint16_t port, std::uint32_t timeout_ms) {
  const std::uint64_t deadline = platform::now_ms() + timeout_ms;
  if (auto configured = configure(s); !configured) return configured;

  const std::string_view name = s.options.server_name.empty() ? host : s.options.server_name;
  char name_z[TcpTransport::kMaxHostLength + 1];
  if (name.empty() || name.size() > TcpTransport::kMaxHostLength) {
    s.detail.clear();
    s.detail << "the TLS server name must have 1 to 253 characters";
    return TransportError::TlsConfig;
  }
  std::memcpy(name_z, name.data(), name.size());
  name_z[name.size()] = '\0';

  if (auto tcp = s.tcp.connect(host, port, timeout_ms); !tcp) return tcp;
  {
    const std::lock_guard lock(s.mutex);
    if (s.closing) return TransportError::NotConnected;
  }

  // The record buffers are allocated once and reused by every later connection.
  int r = s.ssl_ready ? mbedtls_ssl_session_reset(&s.ssl) : mbedtls_ssl_setup(&s.ssl, &s.config);
  if (r != 0) {
    s.detail.clear();
    s.detail << "cannot set up the TLS context (out of memory?): ";
    s.detail.mbedtls_error(r);
    return TransportError::TlsConfig;
  }
  s.ssl_ready = true;
  // Both the name certificate verification checks and the SNI the broker sees.
  r = mbedtls_ssl_set_hostname(&s.ssl, name_z);
  tls::expect_address(s, name_z);
  if (r != 0) {
    s.detail.clear();
    s.detail << "the TLS server name '" << name << "' was refused: ";
    s.detail.mbedtls_error(r);
    return TransportError::TlsConfig;
  }
  mbedtls_ssl_set_bio(&s.ssl, &s, send_to_socket, receive_from_socket, nullptr);

  std::array<char, 300> key{};
  session_key(key, name, host, port);
  const bool offered =
      s.have_saved && key == s.saved_for && mbedtls_ssl_set_session(&s.ssl, &s.saved) == 0;

  reset_verification(s);
  s.io_error.reset();
  s.io_may_wait = true;
  s.io_deadline = deadline;
  const std::uint64_t now = platform::now_ms();
  const auto left = static_cast<std::uint32_t>(deadline > now ? deadline - now : 1);
  s.tcp.set_send_timeout(std::min(left, s.send_timeout_ms));
  for (int round = 0; round < kMaxHandshakeRounds; ++round) {
    r = mbedtls_ssl_handshake(&s.ssl);
    if (!wants_io(r)) break;
    if (platform::now_ms() >= deadline) {
      s.io_error = TransportError::ConnectTimeout;
      break;
    }
  }
  s.io_may_wait = false;
  s.tcp.set_send_timeout(s.send_timeout_ms);

  if (r != 0) {
    const TransportError error = error_from_handshake(r, s.verify_flags, s.io_error);
    describe_handshake_failure(s, r, error, name);
    // Whatever failed, the next attempt starts from a full handshake.
    drop_session(s);
    return error;
  }
  // A resumed handshake skips the certificate exchange, so verification never ran.
  s.resumed = offered && s.verify_calls == 0;
  save_session(s, key);
  return {};
}

}  // namespace mqtt_setup::tls
