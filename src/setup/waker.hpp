// Wakes a thread blocked in poll() from another thread (disconnect(), a broken send, a network
// event). An eventfd: Linux's, or ESP-IDF's VFS one (esp_vfs_eventfd), whose poll() is select()
// over every VFS descriptor, sockets included. So the connection loop sleeps until a byte, a
// deadline or a wake, never on a short timer: a battery device wakes only when it has to.
// Elsewhere (another POSIX system) a self-pipe does the same.
#pragma once

namespace mqtt_setup {

class Waker {
 public:
  Waker();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;

  void wake();
  void drain();
  /// The descriptor to poll for reading; -1 when none could be made (then the loop must
  /// bound its waits: see connection.cpp).
  int fd() const { return read_fd_; }

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;  // the same as read_fd_ for an eventfd
};

}  // namespace mqtt_setup
