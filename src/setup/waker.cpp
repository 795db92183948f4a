#include "setup/waker.hpp"

#include <cstddef>
#include <cstdint>

#if defined(ESP_PLATFORM)
#include <unistd.h>

#include "esp_vfs_eventfd.h"
#elif defined(__linux__)
#include <sys/eventfd.h>
#include <unistd.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace mqtt_setup {

#if defined(ESP_PLATFORM)

namespace {
// ESP-IDF's eventfd VFS must be registered once per program; a second registration (ours after
// the application's, or a second client's) answers ESP_ERR_INVALID_STATE, which is fine.
// The number is eventfds for the whole program: ours need one per client.
constexpr std::size_t kEventFds = 5;
}  // namespace

Waker::Waker() {
  esp_vfs_eventfd_config_t config{};
  config.max_fds = kEventFds;
  const esp_err_t registered = esp_vfs_eventfd_register(&config);
  if (registered != ESP_OK && registered != ESP_ERR_INVALID_STATE) return;
  // Flags: ESP-IDF accepts only EFD_SUPPORT_ISR (not needed: we wake from tasks). Its read()
  // never blocks: it answers the count, 0 when not woken.
  read_fd_ = write_fd_ = eventfd(0, 0);
}

#elif defined(__linux__)

Waker::Waker() { read_fd_ = write_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

#else

Waker::Waker() {
  int fds[2];
  if (::pipe(fds) != 0) return;
  for (int fd : fds) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
}

#endif

Waker::~Waker() {
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0 && write_fd_ != read_fd_) ::close(write_fd_);
}

// An eventfd takes and gives exactly 8 bytes (a counter); a pipe takes any.
void Waker::wake() {
  const std::uint64_t one = 1;
  if (write_fd_ >= 0) (void)!::write(write_fd_, &one, sizeof one);
}

void Waker::drain() {
  std::uint64_t count = 0;
  if (read_fd_ < 0) return;
  if (read_fd_ == write_fd_) {
    (void)!::read(read_fd_, &count, sizeof count);  // resets the counter to 0
    return;
  }
  while (::read(read_fd_, &count, sizeof count) > 0) {
  }
}

}  // namespace mqtt_setup
