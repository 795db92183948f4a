// The connection thread's stack, priority and core on ESP-IDF. The facade runs its loop on a
// std::thread, which ESP-IDF maps to a pthread and thus to a FreeRTOS task configured by
// esp_pthread_set_cfg(); the facade calls this right before starting the thread.
#pragma once
#if defined(ESP_PLATFORM)

#include "esp_err.h"

namespace mqtt_setup::platform::esp_idf {

/// Applies CONFIG_MQTT_SETUP_TASK_{STACK_SIZE,PRIORITY,CORE} to the next std::thread created
/// by the calling thread, named "mqtt_setup". Returns the esp_pthread_set_cfg() result.
esp_err_t configure_background_task();

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
