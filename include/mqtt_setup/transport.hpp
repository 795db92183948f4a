// Byte streams under the session: plain TCP (BSD sockets, POSIX and lwIP) and TLS (mbedTLS).
//
// A transport is a byte pipe with timeouts: send() and receive() may wait, send_some() and
// receive(…, 0) never do. One thread uses it at a time, except that close() may be called from
// another thread to interrupt a blocked receive().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "mqtt_setup/result.hpp"

namespace mqtt_setup {

enum class TransportError : std::uint8_t {
  ResolveFailed = 1,   // host name not found
  ConnectRefused,      // nothing listens on that port (RST)
  ConnectTimeout,      // no answer within the connect timeout
  Unreachable,         // no route / network down
  Closed,              // the peer closed the connection (EOF)
  Reset,               // the connection was reset or broke
  Timeout,             // send could not complete in time
  NotConnected,        // used before connect() or after close()
  Io,                  // any other socket error
  TlsUntrusted,        // certificate not signed by a trusted CA
  TlsHostnameMismatch, // certificate does not name the host
  TlsExpired,          // certificate expired or not yet valid
  TlsHandshake,        // other handshake failure (protocol, cipher, client certificate refused)
  TlsConfig,           // CA/cert/key file unreadable or invalid
};
std::string_view describe(TransportError error);
/// Whether trying again may help (network trouble) or not (a TLS verification failure).
bool is_transient(TransportError error);

class Transport {
 public:
  virtual ~Transport() = default;

  /// Opens the connection (resolve, connect, handshake). Any previous connection is closed.
  virtual Result<void, TransportError> connect(std::string_view host, std::uint16_t port,
                                               std::uint32_t timeout_ms) = 0;
  /// Writes all of `data` (handling partial writes) or fails.
  virtual Result<void, TransportError> send(std::span<const std::uint8_t> data) = 0;
  /// Writes what the connection takes now, without waiting: returns how many bytes of `data`
  /// went (0: none now; wait until native_handle() polls writable). A caller that got less
  /// than all must call again with the rest, starting at the same byte (TLS keeps a record it
  /// began). Errors as send(); after an error the transport is closed. A transport that cannot
  /// write without waiting keeps this default, which waits as send() does.
  virtual Result<std::size_t, TransportError> send_some(std::span<const std::uint8_t> data) {
    auto sent = send(data);
    if (!sent) return sent.error();
    return data.size();
  }
  /// Waits up to `timeout_ms` for bytes; returns how many were read (0: timed out, still open).
  virtual Result<std::size_t, TransportError> receive(std::span<std::uint8_t> out,
                                                      std::uint32_t timeout_ms) = 0;
  virtual void close() = 0;
  /// For stopping from another thread: like close(), and also makes the connect() the owning
  /// thread is about to start return NotConnected at once. (A close() that lands just before
  /// that connect() begins finds nothing to interrupt, and the connect() would then run its
  /// whole timeout.) After an interrupt() with no call in progress, the next connect() fails
  /// once with NotConnected. Transports whose connect() cannot block may keep this default.
  virtual void interrupt() { close(); }
  virtual bool is_open() const = 0;
  /// The socket descriptor for poll()/epoll, or -1.
  virtual int native_handle() const = 0;
  /// Bytes receive() can return although native_handle() does not poll readable: a TLS
  /// transport may hold decrypted bytes that a poll() on the socket cannot see. A caller that
  /// waits on native_handle() must not wait while this is non-zero.
  virtual std::size_t pending() const { return 0; }
  /// More about the last error than TransportError says (which certificate, which file), for
  /// a person to read; "" when there is nothing more. Never holds secrets.
  virtual std::string_view last_error_detail() const { return {}; }
};

}  // namespace mqtt_setup
