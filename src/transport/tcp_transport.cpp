// TCP with the socket calls lwIP also offers (socket, connect, getaddrinfo, poll, send, recv,
// setsockopt, fcntl, shutdown, close), so one file serves Linux and ESP32.
#include "mqtt_setup/tcp_transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#if defined(ESP_PLATFORM)
#include <sys/poll.h>
#else
#include <poll.h>
#endif

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <utility>

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup {
namespace {

#if defined(MSG_NOSIGNAL)
// A peer that vanished must surface as an error, not as SIGPIPE killing the program.
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // Apple: SO_NOSIGPIPE is set on the socket instead
#endif

// A resolver can return a long list (many A and AAAA records); past this many the time budget
// per address gets too thin to be useful.
constexpr int kMaxAddresses = 16;

std::uint64_t deadline_after(std::uint32_t timeout_ms) { return platform::now_ms() + timeout_ms; }

// Waits until `fd` is ready for `events` or `deadline` passes: >0 ready, 0 timed out, <0 error.
int wait_until(int fd, short events, std::uint64_t deadline) {
  // Bounded by the deadline; the count only guards against a clock that stopped.
  for (int tries = 0; tries < 100'000; ++tries) {
    const std::uint64_t now = platform::now_ms();
    if (now >= deadline) return 0;
    pollfd entry{fd, events, 0};
    const int wait = static_cast<int>(std::min<std::uint64_t>(deadline - now, INT_MAX));
    const int ready = ::poll(&entry, 1, wait);
    if (ready >= 0) return ready;
    if (errno != EINTR) return -1;
  }
  return 0;
}

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

TransportError connect_error(int error) {
  switch (error) {
    case ECONNREFUSED:
    case ECONNRESET:
      return TransportError::ConnectRefused;
    case ETIMEDOUT:
      return TransportError::ConnectTimeout;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EADDRNOTAVAIL:  // e.g. an IPv6 address on a host without IPv6
    case EAFNOSUPPORT:
#if defined(EHOSTDOWN)
    case EHOSTDOWN:
#endif
      return TransportError::Unreachable;
    default:
      return TransportError::Io;
  }
}

TransportError stream_error(int error) {
  switch (error) {
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ETIMEDOUT:  // TCP gave up retransmitting
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case ENOTCONN:
      return TransportError::Reset;
    default:
      return TransportError::Io;
  }
}

// When every address fails, report the failure that got furthest: a refusal proves the host
// answered, which is the most useful thing to tell a person.
int severity(TransportError error) {
  switch (error) {
    case TransportError::ConnectRefused:
      return 3;
    case TransportError::ConnectTimeout:
      return 2;
    case TransportError::Unreachable:
      return 1;
    default:
      return 0;
  }
}

bool configure(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  // Non-blocking for good: every wait goes through poll() with a deadline, so no call can hang.
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return false;
  int one = 1;
  // MQTT packets are small and latency matters more than segment count (PINGREQ, PUBACK).
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#if defined(SO_NOSIGPIPE)
  ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  return true;
}

int open_socket(int family) {
#if defined(SOCK_CLOEXEC)
  // A program that forks must not leak the broker connection into its children.
  return ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
#else
  return ::socket(family, SOCK_STREAM, IPPROTO_TCP);
#endif
}

// Connects an open non-blocking socket to one address by `deadline`.
Result<void, TransportError> connect_fd(int fd, const addrinfo& address, std::uint64_t deadline) {
  if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) return {};
  if (errno != EINPROGRESS && errno != EINTR) return connect_error(errno);
  const int ready = wait_until(fd, POLLOUT, deadline);
  if (ready == 0) return TransportError::ConnectTimeout;
  if (ready < 0) return TransportError::Io;
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return connect_error(errno);
  if (error != 0) return connect_error(error);
  return {};
}

// Fills `info` (its address in `storage`) when `host` is an IPv4 or IPv6 literal. Such hosts
// skip getaddrinfo(), which allocates its answer (glibc malloc, lwIP's memory pool): a device
// configured with an address reconnects without touching the heap (DESIGN.md, Memory).
bool numeric_address(const char* host, std::uint16_t port, sockaddr_storage& storage,
                     addrinfo& info) {
  storage = sockaddr_storage{};
  info = addrinfo{};
  info.ai_socktype = SOCK_STREAM;
  info.ai_protocol = IPPROTO_TCP;
  info.ai_addr = reinterpret_cast<sockaddr*>(&storage);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (::inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    info.ai_family = AF_INET;
    info.ai_addrlen = sizeof(sockaddr_in);
    return true;
  }
#if !defined(ESP_PLATFORM) || defined(CONFIG_LWIP_IPV6)
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    info.ai_family = AF_INET6;
    info.ai_addrlen = sizeof(sockaddr_in6);
    return true;
  }
#endif
  return false;  // a name, or a literal inet_pton does not take ("127.1", "fe80::1%eth0")
}

}  // namespace

TcpTransport::~TcpTransport() { close(); }

Result<void, TransportError> TcpTransport::connect(std::string_view host, std::uint16_t port,
                                                   std::uint32_t timeout_ms) {
  close();
  if (host.empty() || host.size() > kMaxHostLength) return TransportError::ResolveFailed;
  char name[kMaxHostLength + 1];
  std::memcpy(name, host.data(), host.size());
  name[host.size()] = '\0';
  char service[8];
  std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));

  const std::uint64_t deadline = deadline_after(timeout_ms);
  {
    const std::lock_guard lock(mutex_);
    // A stop requested before this call began (interrupt()) is not lost: clearing closing_
    // below would otherwise forget it, and the connect would run its whole timeout.
    if (std::exchange(interrupted_, false)) return TransportError::NotConnected;
    in_use_ = true;
    closing_ = false;
  }

  Result<void, TransportError> result = TransportError::ResolveFailed;
  sockaddr_storage numeric{};
  addrinfo numeric_info{};
  if (numeric_address(name, port, numeric, numeric_info)) {
    result = connect_one(&numeric_info, deadline);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;  // IPv4 and IPv6, in the resolver's preferred order
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
#if defined(AI_NUMERICSERV)
    hints.ai_flags = AI_NUMERICSERV;
#endif
    addrinfo* addresses = nullptr;
    // getaddrinfo() has no timeout of its own; the system resolver's configuration bounds it.
    const int resolved = ::getaddrinfo(name, service, &hints, &addresses);

    if (resolved == 0) {
      int count = 0;
      for (const addrinfo* a = addresses; a != nullptr && count < kMaxAddresses; a = a->ai_next)
        ++count;
      const addrinfo* address = addresses;
      for (int index = 0; index < count; ++index, address = address->ai_next) {
        // Each address gets an equal share of what is left, so a silently dropped IPv6 attempt
        // cannot use up the time an IPv4 address would have answered in.
        const std::uint64_t now = platform::now_ms();
        const std::uint64_t share =
            deadline > now ? (deadline - now) / static_cast<unsigned>(count - index) : 0;
        const auto attempt = connect_one(address, now + share);
        if (attempt.ok() || attempt.error() == TransportError::NotConnected) {
          result = attempt;
          break;
        }
        if (index == 0 || severity(attempt.error()) > severity(result.error())) result = attempt;
      }
      ::freeaddrinfo(addresses);
    }
  }

  const std::lock_guard lock(mutex_);
  in_use_ = false;
  if (closing_ || !result.ok()) {
    free_socket_locked();
    if (closing_) result = TransportError::NotConnected;
    closing_ = false;
  } else {
    connected_ = true;
  }
  return result;
}

Result<void, TransportError> TcpTransport::connect_one(const void* address_info,
                                                       std::uint64_t deadline) {
  const auto& address = *static_cast<const addrinfo*>(address_info);
  const int fd = open_socket(address.ai_family);
  if (fd < 0) return connect_error(errno);
  if (!configure(fd)) {
    ::close(fd);
    return TransportError::Io;
  }
  {
    const std::lock_guard lock(mutex_);
    if (closing_) {
      ::close(fd);
      return TransportError::NotConnected;
    }
    fd_ = fd;  // published so that close() from another thread can shut it down
  }
  auto result = connect_fd(fd, address, deadline);
  const std::lock_guard lock(mutex_);
  if (closing_) result = TransportError::NotConnected;
  if (!result.ok()) free_socket_locked();
  return result;
}

// An operation on the connected socket. Holds no lock while it blocks; close() from another
// thread only shuts the socket down (waking the poll) and leaves freeing it to release().
class TcpTransport::Use {
 public:
  explicit Use(TcpTransport& transport) : transport_(transport) {
    const std::lock_guard lock(transport_.mutex_);
    if (transport_.is_open_locked() && !transport_.in_use_) {
      transport_.in_use_ = true;
      fd_ = transport_.fd_;
    }
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  ~Use() = default;

  int fd() const { return fd_; }

  // Ends the operation. A failed stream is useless to MQTT (a packet may be half written or
  // half read), so any error closes it; an interrupting close() turns the result into
  // NotConnected.
  template <class T>
  Result<T, TransportError> release(Result<T, TransportError> result) {
    const std::lock_guard lock(transport_.mutex_);
    transport_.in_use_ = false;
    const bool interrupted = transport_.closing_;
    if (interrupted || !result.ok()) {
      transport_.free_socket_locked();
      transport_.closing_ = false;
    }
    if (interrupted) return TransportError::NotConnected;
    return result;
  }

 private:
  TcpTransport& transport_;
  int fd_ = -1;
};

Result<void, TransportError> TcpTransport::send(std::span<const std::uint8_t> data) {
  Use use(*this);
  if (use.fd() < 0) return TransportError::NotConnected;
  Result<void, TransportError> result;
  std::size_t sent = 0;
  // The time limit restarts whenever the peer takes bytes: a slow reader is fine, a stalled
  // one is not. Bounded: every pass sends at least one byte or waits out the deadline.
  std::uint64_t deadline = deadline_after(send_timeout_ms_);
  while (sent < data.size()) {
    const ssize_t n = ::send(use.fd(), data.data() + sent, data.size() - sent, kSendFlags);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      deadline = deadline_after(send_timeout_ms_);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && would_block(errno)) {
      const int ready = wait_until(use.fd(), POLLOUT, deadline);
      if (ready > 0) continue;
      result = ready == 0 ? TransportError::Timeout : TransportError::Io;
      break;
    }
    result = n < 0 ? stream_error(errno) : TransportError::Io;
    break;
  }
  return use.release(result);
}

Result<std::size_t, TransportError> TcpTransport::send_some(std::span<const std::uint8_t> data) {
  Use use(*this);
  if (use.fd() < 0) return TransportError::NotConnected;
  Result<std::size_t, TransportError> result = std::size_t{0};
  std::size_t sent = 0;
  // Bounded: each pass sends at least one byte or ends; the count guards against EINTR storms.
  for (int tries = 0; sent < data.size() && tries < 1000; ++tries) {
    const ssize_t n = ::send(use.fd(), data.data() + sent, data.size() - sent, kSendFlags);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && would_block(errno)) break;
    result = n < 0 ? stream_error(errno) : TransportError::Io;
    break;
  }
  if (result.ok()) result = sent;
  return use.release(result);
}

Result<std::size_t, TransportError> TcpTransport::receive(std::span<std::uint8_t> out,
                                                          std::uint32_t timeout_ms) {
  Use use(*this);
  if (use.fd() < 0) return TransportError::NotConnected;
  // recv() into an empty buffer returns 0, which would read as "peer closed".
  if (out.empty()) return use.release(Result<std::size_t, TransportError>(std::size_t{0}));
  const std::uint64_t deadline = deadline_after(timeout_ms);
  Result<std::size_t, TransportError> result = std::size_t{0};
  // Bounded by the deadline; the count guards against a stream of spurious wake-ups.
  for (int tries = 0; tries < 100'000; ++tries) {
    const ssize_t n = ::recv(use.fd(), out.data(), out.size(), 0);
    if (n > 0) {
      result = static_cast<std::size_t>(n);
      break;
    }
    if (n == 0) {
      result = TransportError::Closed;
      break;
    }
    if (errno == EINTR) continue;
    if (!would_block(errno)) {
      result = stream_error(errno);
      break;
    }
    if (timeout_ms == 0) break;
    const int ready = wait_until(use.fd(), POLLIN, deadline);
    if (ready == 0) break;
    if (ready < 0) {
      result = TransportError::Io;
      break;
    }
  }
  return use.release(result);
}

void TcpTransport::close() {
  const std::lock_guard lock(mutex_);
  (void)close_locked();
}

void TcpTransport::interrupt() {
  const std::lock_guard lock(mutex_);
  if (!close_locked()) interrupted_ = true;
}

bool TcpTransport::close_locked() {
  if (in_use_) {
    // Another thread is blocked on the socket: wake it; it frees the socket itself, so the
    // descriptor cannot be reused under its feet.
    closing_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    return true;
  }
  free_socket_locked();
  return false;
}

void TcpTransport::free_socket_locked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connected_ = false;
}

bool TcpTransport::is_open() const {
  const std::lock_guard lock(mutex_);
  return is_open_locked();
}

int TcpTransport::native_handle() const {
  const std::lock_guard lock(mutex_);
  return is_open_locked() ? fd_ : -1;
}

}  // namespace mqtt_setup
