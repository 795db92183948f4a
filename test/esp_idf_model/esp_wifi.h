// Model: Wi-Fi station start-up. ESP-IDF v5.5, API reference > Networking APIs > "Wi-Fi"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_wifi.html):
// esp_wifi_init, WIFI_INIT_CONFIG_DEFAULT,
// esp_wifi_set_mode/set_config/start/connect; and esp_netif_create_default_wifi_sta
// ("ESP-NETIF", Wi-Fi default API reference, which esp_wifi.h makes available).
#pragma once

#include <stdint.h>

#include "esp_err.h"
#include "esp_netif_types.h"
#include "esp_wifi_types.h"

#ifdef __cplusplus
extern "C" {
#endif

// Its documented members are driver internals set by WIFI_INIT_CONFIG_DEFAULT(); we keep one
// so that the macro is, as in ESP-IDF, a braced designated initialiser.
typedef struct {
  int magic;
} wifi_init_config_t;

#define WIFI_INIT_CONFIG_MAGIC 0x1F2F3F4F
#define WIFI_INIT_CONFIG_DEFAULT() { .magic = WIFI_INIT_CONFIG_MAGIC }

esp_err_t esp_wifi_init(const wifi_init_config_t* config);
esp_err_t esp_wifi_set_mode(wifi_mode_t mode);
esp_err_t esp_wifi_set_config(wifi_interface_t interface, wifi_config_t* conf);
esp_err_t esp_wifi_start(void);
esp_err_t esp_wifi_connect(void);
esp_netif_t* esp_netif_create_default_wifi_sta(void);

#ifdef __cplusplus
}
#endif
