// Model: address text conversion. ESP-IDF v5.5, API guides > "lwIP", section BSD Sockets API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html).
#pragma once

#include "netinet/in.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef uint32_t socklen_t;


int inet_pton(int af, const char* src, void* dst);

#ifdef __cplusplus
}
#endif
