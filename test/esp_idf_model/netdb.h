// Model: name resolution (getaddrinfo over lwIP's DNS client). ESP-IDF v5.5, API guides > "lwIP",
// section BSD Sockets API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html).
#pragma once

#include "sys/socket.h"

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

#define AI_NUMERICSERV 0x08

int getaddrinfo(const char* nodename, const char* servname, const struct addrinfo* hints,
                struct addrinfo** res);
void freeaddrinfo(struct addrinfo* ai);

#ifdef __cplusplus
}
#endif
