// Model: the factory MAC addresses. ESP-IDF v5.5, API reference > System API >
// "Miscellaneous System APIs", section MAC Address
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/misc_system_api.html).
#pragma once

#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  ESP_MAC_WIFI_STA,
  ESP_MAC_WIFI_SOFTAP,
  ESP_MAC_BT,
  ESP_MAC_ETH,
} esp_mac_type_t;

esp_err_t esp_read_mac(uint8_t* mac, esp_mac_type_t type);

#ifdef __cplusplus
}
#endif
