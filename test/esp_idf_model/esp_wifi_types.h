// Model: Wi-Fi modes, interfaces, configuration and events. ESP-IDF v5.5, API reference >
// Networking APIs > "Wi-Fi"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_wifi.html),
// wifi_config_t,
// wifi_sta_config_t, WIFI_EVENT and wifi_event_t.
#pragma once

#include <stdint.h>

#include "esp_event_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WIFI_MODE_NULL,
  WIFI_MODE_STA,
  WIFI_MODE_AP,
  WIFI_MODE_APSTA,
} wifi_mode_t;

typedef enum {
  WIFI_IF_STA,
  WIFI_IF_AP,
} wifi_interface_t;

// The station part only; the documented fields after ssid and password are left out.
typedef struct {
  uint8_t ssid[32];
  uint8_t password[64];
} wifi_sta_config_t;

typedef union {
  wifi_sta_config_t sta;
} wifi_config_t;

ESP_EVENT_DECLARE_BASE(WIFI_EVENT);

typedef enum {
  WIFI_EVENT_WIFI_READY,
  WIFI_EVENT_SCAN_DONE,
  WIFI_EVENT_STA_START,
  WIFI_EVENT_STA_STOP,
  WIFI_EVENT_STA_CONNECTED,
  WIFI_EVENT_STA_DISCONNECTED,
} wifi_event_t;

#ifdef __cplusplus
}
#endif
