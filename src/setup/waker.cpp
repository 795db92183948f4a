#include "setup/waker.hpp"

#if !defined(ESP_PLATFORM)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace mqtt_setup {

#if !defined(ESP_PLATFORM)

Waker::Waker() {
  if (::pipe(fds_) == 0) {
    for (int fd : fds_) {
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  } else {
    fds_[0] = fds_[1] = -1;
  }
}

Waker::~Waker() {
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
}

void Waker::wake() {
  const char byte = 1;
  if (fds_[1] >= 0) (void)!::write(fds_[1], &byte, 1);
}

void Waker::drain() {
  char buf[64];
  if (fds_[0] < 0) return;
  while (::read(fds_[0], buf, sizeof buf) > 0) {
  }
}

#else  // lwIP has no pipe(): the loop polls with a short timeout instead (see connection.cpp).

Waker::Waker() = default;
Waker::~Waker() = default;
void Waker::wake() {}
void Waker::drain() {}

#endif

}  // namespace mqtt_setup
