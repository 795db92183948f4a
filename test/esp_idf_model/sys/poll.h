// Model: poll() on sockets and VFS descriptors. ESP-IDF v5.5, API guides > "lwIP", section BSD
// Sockets API (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html),
// which lists poll() among the supported calls. ESP-IDF declares it in <sys/poll.h> (its newlib
// platform headers); there is no <poll.h>. Flag values as ESP-IDF's: one bit each.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define POLLIN (1u << 0)
#define POLLOUT (1u << 3)
#define POLLERR (1u << 5)
#define POLLHUP (1u << 6)
#define POLLNVAL (1u << 7)

typedef unsigned int nfds_t;

struct pollfd {
  int fd;
  short events;
  short revents;
};

int poll(struct pollfd* fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif
