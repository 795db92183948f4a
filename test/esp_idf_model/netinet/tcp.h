// Model: TCP socket options. ESP-IDF v5.5, API guides > "lwIP", section BSD Sockets API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-guides/lwip.html).
#pragma once

#include "sys/socket.h"  // TCP_NODELAY (lwIP defines the TCP options with the socket API)

