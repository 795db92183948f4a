#include "wakeup.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mqtt_setup::cli {

Wakeup::Wakeup() {
  int ends[2];
  if (::pipe(ends) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  read_end_ = ends[0];
  write_end_ = ends[1];
  // Non-blocking both ways: notify() must never block (a full pipe already means "wake up"),
  // and draining must stop when the pipe is empty.
  for (int fd : ends) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

Wakeup::~Wakeup() {
  ::close(read_end_);
  ::close(write_end_);
}

void Wakeup::notify() {
  if (pending_.exchange(true)) return;  // the pending byte wakes the wait already
  const char byte = 1;
  [[maybe_unused]] auto written = ::write(write_end_, &byte, 1);
}

bool Wakeup::wait(std::optional<Clock::time_point> deadline, int input_fd) {
  int timeout_ms = -1;
  if (deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
    timeout_ms =
        static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, 60'000));
  }
  pollfd fds[2] = {{read_end_, POLLIN, 0}, {input_fd, POLLIN, 0}};
  const int ready = ::poll(fds, input_fd >= 0 ? 2 : 1, timeout_ms);
  if (ready <= 0) return false;  // timed out, or EINTR: the caller re-checks either way
  if (fds[0].revents != 0) {
    char drain[64];
    while (::read(read_end_, drain, sizeof drain) > 0) {
    }
    // Cleared after draining: a notify() that skipped its write until now made its change
    // before this point, so the caller's re-check sees it; any later notify() writes again.
    // (Cleared first, a notify() could set it, have its byte drained, and leave the next
    // notify() believing a byte is still there.)
    pending_.store(false);
  }
  return input_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace mqtt_setup::cli
