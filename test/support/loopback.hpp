// Loopback sockets for tests: a listener on an ephemeral port and an owned descriptor.
// Header-only so unit tests can use it without linking the support library.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <utility>

namespace mqtt_setup::test {

/// An owned socket descriptor, closed on destruction.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { reset(); }

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  /// Closes with an RST instead of a FIN: SO_LINGER with a zero timeout.
  void abort() {
    if (fd_ < 0) return;
    linger hard{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    reset();
  }

 private:
  int fd_ = -1;
};

/// A TCP listener on 127.0.0.1 (AF_INET) or ::1 (AF_INET6), on a port the kernel picks.
class Listener {
 public:
  explicit Listener(int family = AF_INET, int backlog = 16) {
    Socket s(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s.valid()) return;
    int one = 1;
    ::setsockopt(s.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (family == AF_INET6) {
      auto& in6 = reinterpret_cast<sockaddr_in6&>(address);
      in6.sin6_family = AF_INET6;
      in6.sin6_addr = in6addr_loopback;
      length = sizeof in6;
    } else {
      auto& in4 = reinterpret_cast<sockaddr_in&>(address);
      in4.sin_family = AF_INET;
      in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof in4;
    }
    if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&address), length) != 0) return;
    if (::listen(s.fd(), backlog) != 0) return;
    if (::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0) return;
    port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(address).sin6_port
                                     : reinterpret_cast<sockaddr_in&>(address).sin_port);
    socket_ = std::move(s);
  }

  bool ok() const { return socket_.valid(); }
  std::uint16_t port() const { return port_; }
  int fd() const { return socket_.fd(); }
  void close() { socket_.reset(); }

  /// The next connection, or an invalid Socket after `timeout_ms`.
  Socket accept(int timeout_ms = 5000) {
    pollfd entry{socket_.fd(), POLLIN, 0};
    if (!socket_.valid() || ::poll(&entry, 1, timeout_ms) <= 0) return Socket{};
    return Socket(::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC));
  }

 private:
  Socket socket_;
  std::uint16_t port_ = 0;
};

/// A loopback port nothing listens on (bound, then released), for "connection refused".
inline std::uint16_t unused_port() {
  Listener listener;
  const std::uint16_t port = listener.port();
  listener.close();
  return port;
}

/// Whether this host can use ::1 (containers and CI runners sometimes disable IPv6).
inline bool ipv6_loopback_available() { return Listener(AF_INET6).ok(); }

}  // namespace mqtt_setup::test
