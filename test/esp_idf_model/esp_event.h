// Model: the default event loop and handler instances. ESP-IDF v5.5, API reference > System
// API > "Event Loop Library"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_event.html).
#pragma once

#include <stdint.h>

#include "esp_err.h"
#include "esp_event_base.h"

#ifdef __cplusplus
extern "C" {
#endif

esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_event_handler_instance_register(esp_event_base_t event_base, int32_t event_id,
                                              esp_event_handler_t event_handler,
                                              void* event_handler_arg,
                                              esp_event_handler_instance_t* instance);
esp_err_t esp_event_handler_instance_unregister(esp_event_base_t event_base, int32_t event_id,
                                                esp_event_handler_instance_t instance);

#ifdef __cplusplus
}
#endif
