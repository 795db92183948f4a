// Plain TCP over BSD sockets: POSIX hosts and lwIP (ESP-IDF) alike.
//
// Threading: one thread connects, sends and receives; close() and interrupt() may also be called
// from another thread, and then wake a blocked connect(), send() or receive(), which return
// NotConnected. interrupt() also reaches a connect() that has not begun yet.
// Memory: no heap; send() and receive() use only the caller's buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>

#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {

class TcpTransport final : public Transport {
 public:
  static constexpr std::uint32_t kDefaultSendTimeoutMs = 10'000;
  /// Longest host name accepted by connect() (DNS allows 253 characters).
  static constexpr std::size_t kMaxHostLength = 253;

  TcpTransport() = default;
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  /// Resolves `host` (IPv4 and IPv6) and tries each address in the resolver's order until one
  /// accepts. `timeout_ms` bounds the whole call except the name lookup itself, which the
  /// resolver bounds. When several addresses fail, the error reported is from the one that got
  /// furthest: ConnectRefused, then ConnectTimeout, then Unreachable. Errors: ResolveFailed,
  /// ConnectRefused, ConnectTimeout, Unreachable, Io; NotConnected if close() interrupted it.
  Result<void, TransportError> connect(std::string_view host, std::uint16_t port,
                                       std::uint32_t timeout_ms) override;

  /// Writes all of `data`. Fails with Timeout when the peer accepts no byte for send_timeout_ms()
  /// (the stream then holds a partial packet, so the connection is closed). Errors: Reset,
  /// Timeout, NotConnected, Io. Never raises SIGPIPE.
  Result<void, TransportError> send(std::span<const std::uint8_t> data) override;
  /// Writes what the socket's buffer takes now; 0 when it is full. Errors as send().
  Result<std::size_t, TransportError> send_some(std::span<const std::uint8_t> data) override;

  /// Waits up to `timeout_ms` for bytes (0: does not wait) and returns how many were read; 0
  /// means none arrived and the connection is still open. Errors: Closed (peer closed), Reset,
  /// NotConnected, Io.
  Result<std::size_t, TransportError> receive(std::span<std::uint8_t> out,
                                              std::uint32_t timeout_ms) override;

  /// Idempotent. After any error from send() or receive() the transport has already closed.
  void close() override;
  /// close(), and when no call is in progress, the next connect() returns NotConnected at once.
  void interrupt() override;
  bool is_open() const override;
  int native_handle() const override;

  void set_send_timeout(std::uint32_t timeout_ms) { send_timeout_ms_ = timeout_ms; }
  std::uint32_t send_timeout_ms() const { return send_timeout_ms_; }

 private:
  class Use;  // marks the socket busy for one operation, so close() from elsewhere is safe

  Result<void, TransportError> connect_one(const void* address_info, std::uint64_t deadline);
  bool close_locked();  // true when it interrupted an operation in progress
  void free_socket_locked();
  bool is_open_locked() const { return connected_ && !closing_; }

  mutable std::mutex mutex_;  // guards the fields below, never held while blocking
  int fd_ = -1;               // set during connect() too, so close() can interrupt it
  bool connected_ = false;    // fd_ is connected
  bool in_use_ = false;       // an operation is blocked on fd_: close() must not free it
  bool closing_ = false;      // close() was called during that operation
  bool interrupted_ = false;  // interrupt() came between operations: fail the next connect()
  std::uint32_t send_timeout_ms_ = kDefaultSendTimeoutMs;
};

}  // namespace mqtt_setup
