// Model: TCP/IP stack initialisation. ESP-IDF v5.5, API reference > Networking APIs >
// "ESP-NETIF"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_netif.html).
#pragma once

#include "esp_err.h"
#include "esp_netif_types.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_netif_init(void);

#ifdef __cplusplus
}
#endif
