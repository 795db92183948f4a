// Model: the IP events of a network interface. ESP-IDF v5.5, API reference > Networking APIs >
// "ESP-NETIF"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/network/esp_netif.html),
// IP_EVENT and ip_event_t.
#pragma once

#include "esp_event_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct esp_netif_obj esp_netif_t;

ESP_EVENT_DECLARE_BASE(IP_EVENT);

typedef enum {
  IP_EVENT_STA_GOT_IP,
  IP_EVENT_STA_LOST_IP,
  IP_EVENT_AP_STAIPASSIGNED,
  IP_EVENT_GOT_IP6,
  IP_EVENT_ETH_GOT_IP,
  IP_EVENT_ETH_LOST_IP,
  IP_EVENT_PPP_GOT_IP,
  IP_EVENT_PPP_LOST_IP,
} ip_event_t;

#ifdef __cplusplus
}
#endif
