// Wakes a thread blocked in poll() from another thread (disconnect(), a broken send).
// A self-pipe: the read end sits in the poll set next to the socket.
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
  int fd() const { return fds_[0]; }  // -1 where the platform has no pipes

 private:
  int fds_[2] = {-1, -1};
};

}  // namespace mqtt_setup
