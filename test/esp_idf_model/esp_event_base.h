// Model: event bases and handler types. ESP-IDF v5.5, API reference > System API >
// "Event Loop Library"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_event.html).
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef const char* esp_event_base_t;
typedef void (*esp_event_handler_t)(void* event_handler_arg, esp_event_base_t event_base,
                                    int32_t event_id, void* event_data);
typedef void* esp_event_handler_instance_t;

#define ESP_EVENT_DECLARE_BASE(id) extern esp_event_base_t const id
#define ESP_EVENT_ANY_ID (-1)

#ifdef __cplusplus
}
#endif
