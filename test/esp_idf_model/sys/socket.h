// Model: BSD sockets over lwIP. ESP-IDF v5.5, API guides > "lwIP", section BSD Sockets API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html).
// Descriptors are VFS file descriptors: close(), read(), write() and fcntl(F_GETFL/F_SETFL,
// O_NONBLOCK) come from the C library headers, as in ESP-IDF. lwIP's header also brings the
// address types and inet_pton() (here: netinet/in.h, arpa/inet.h).
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "arpa/inet.h"
#include "netinet/in.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sockaddr {
  uint8_t sa_len;
  sa_family_t sa_family;
  char sa_data[14];
};

struct sockaddr_storage {
  uint8_t s2_len;
  sa_family_t ss_family;
  char s2_data1[2];
  uint32_t s2_data2[3];
  uint32_t s2_data3[3];  // with IPv6 (CONFIG_LWIP_IPV6, on by default)
};

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10

#define SOCK_STREAM 1

#define SOL_SOCKET 0xfff
#define SO_ERROR 0x1007

#define TCP_NODELAY 0x01  // lwIP declares it here too, not only in <netinet/tcp.h>

#define MSG_NOSIGNAL 0x20  // accepted; lwIP raises no SIGPIPE anyway

#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int connect(int s, const struct sockaddr* name, socklen_t namelen);
ssize_t send(int s, const void* dataptr, size_t size, int flags);
ssize_t recv(int s, void* mem, size_t len, int flags);
int setsockopt(int s, int level, int optname, const void* opval, socklen_t optlen);
int getsockopt(int s, int level, int optname, void* optval, socklen_t* optlen);
int shutdown(int s, int how);

#ifdef __cplusplus
}
#endif
