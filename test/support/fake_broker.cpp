#include "fake_broker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace mqtt_setup::test {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 60'000));
}

}  // namespace

FakeBroker::FakeBroker() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    wake_read_ = Socket(fds[0]);
    wake_write_ = Socket(fds[1]);
  }
}

FakeBroker::~FakeBroker() { stop(); }

void FakeBroker::run(Script script) {
  thread_ = std::thread([this, script = std::move(script)] {
    script(*this);
    const std::lock_guard lock(mutex_);
    finished_ = true;
    finished_changed_.notify_all();
  });
}

bool FakeBroker::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return finished_changed_.wait_for(lock, timeout, [this] { return finished_; });
}

void FakeBroker::stop() {
  if (wake_write_.valid()) {
    // Left unread on purpose: the pipe stays readable, so every later wait wakes at once too.
    const char byte = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(wake_write_.fd(), &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
}

int FakeBroker::wait_readable(int fd, Clock::time_point deadline) const {
  // Bounded by the deadline; poll() waits at most a minute per pass.
  for (int tries = 0; tries < 10'000; ++tries) {
    pollfd entries[2] = {{fd, POLLIN, 0}, {wake_read_.fd(), POLLIN, 0}};
    const int ready = ::poll(entries, 2, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || entries[1].revents != 0) return -1;
    if (ready > 0) return 1;
    if (Clock::now() >= deadline) return 0;
  }
  return 0;
}

std::optional<FakeConnection> FakeBroker::accept(std::chrono::milliseconds timeout) {
  if (!listener_.ok() || wait_readable(listener_.fd(), Clock::now() + timeout) != 1)
    return std::nullopt;
  Socket socket(::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!socket.valid()) return std::nullopt;
  ++connections_;
  return FakeConnection(*this, std::move(socket));
}

void FakeBroker::record(const RawPacket& packet) {
  const std::lock_guard lock(mutex_);
  log_.push_back(packet);
}

std::vector<RawPacket> FakeBroker::received() const {
  const std::lock_guard lock(mutex_);
  return log_;
}

bool FakeConnection::fill(Clock::time_point deadline) {
  if (!socket_.valid()) {
    status_ = ReadStatus::PeerClosed;
    return false;
  }
  const int ready = broker_->wait_readable(socket_.fd(), deadline);
  if (ready != 1) {
    status_ = ready == 0 ? ReadStatus::Timeout : ReadStatus::Stopped;
    return false;
  }
  std::uint8_t chunk[4096];
  const ssize_t n = ::recv(socket_.fd(), chunk, sizeof chunk, 0);
  if (n > 0) {
    buffer_.append(std::span(chunk, static_cast<std::size_t>(n)));
    return true;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  status_ = n == 0 ? ReadStatus::PeerClosed : ReadStatus::Error;
  return false;
}

std::optional<RawPacket> FakeConnection::read_packet(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  // Bounded by the deadline: each pass either receives bytes or ends.
  while (true) {
    if (auto packet = buffer_.pop()) {
      broker_->record(*packet);
      status_ = ReadStatus::Ok;
      return packet;
    }
    if (buffer_.malformed()) {
      status_ = ReadStatus::Malformed;
      return std::nullopt;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<RawPacket> FakeConnection::read_until(std::uint8_t type,
                                                    std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (int count = 0; count < 100'000; ++count) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto packet = read_packet(std::max(left, std::chrono::milliseconds(0)));
    if (!packet || packet->type() == type) return packet;
  }
  return std::nullopt;
}

bool FakeConnection::send(std::span<const std::uint8_t> bytes) {
  std::size_t sent = 0;
  // A client that stops reading must not hang the test: give up after 5 s without progress.
  for (int stalls = 0; sent < bytes.size() && socket_.valid() && stalls < 50;) {
    const ssize_t n =
        ::send(socket_.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      stalls = 0;
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd entry{socket_.fd(), POLLOUT, 0};
      if (::poll(&entry, 1, 100) == 0) ++stalls;
    } else {
      return false;
    }
  }
  return sent == bytes.size();
}

bool FakeConnection::hold(std::chrono::milliseconds duration) {
  const auto deadline = Clock::now() + duration;
  for (int count = 0; count < 1'000'000; ++count) {
    if (!fill(deadline)) return status_ == ReadStatus::PeerClosed;
    // Swallowed: the client gets no answer, but the test can still see what it sent.
    while (auto packet = buffer_.pop()) broker_->record(*packet);
  }
  return false;
}

}  // namespace mqtt_setup::test
