// Model: IPv4/IPv6 addresses, socket addresses and byte order, as lwIP declares them (a length
// byte before a one-byte family). ESP-IDF v5.5, API guides > "lwIP", section BSD Sockets API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html).
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint8_t sa_family_t;
typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
  in_addr_t s_addr;
};

struct in6_addr {
  union {
    uint32_t u32_addr[4];
    uint8_t u8_addr[16];
  } un;
};

struct sockaddr_in {
  uint8_t sin_len;
  sa_family_t sin_family;
  in_port_t sin_port;
  struct in_addr sin_addr;
  char sin_zero[8];
};

struct sockaddr_in6 {
  uint8_t sin6_len;
  sa_family_t sin6_family;
  in_port_t sin6_port;
  uint32_t sin6_flowinfo;
  struct in6_addr sin6_addr;
  uint32_t sin6_scope_id;
};

#define IPPROTO_TCP 6


// The ESP32 is little-endian: network order swaps.
#define htons(x) ((uint16_t)__builtin_bswap16((uint16_t)(x)))

#ifdef __cplusplus
}
#endif
