// The connection thread's stack, priority and core on ESP-IDF. The facade runs its loop on a
// std::thread, which ESP-IDF maps to a pthread and thus to a FreeRTOS task configured by
// esp_pthread_set_cfg(); platform::start_background_thread() (platform.cpp) calls this right
// before it starts the thread.
#pragma once
#if defined(ESP_PLATFORM)

#include "esp_err.h"
#include "esp_pthread.h"  // esp_pthread_cfg_t: components/pthread/include/esp_pthread.h

namespace mqtt_setup::platform::esp_idf {

/// Applies CONFIG_MQTT_SETUP_TASK_{STACK_SIZE,PRIORITY,CORE} and the name "mqtt_setup" to the
/// std::threads the calling thread creates from now on, and stores in `previous` what applied
/// before. esp_pthread keeps one configuration per calling thread for every later
/// pthread_create(), not just the next one: hand `previous` back to esp_pthread_set_cfg() once
/// the thread is started. Returns the esp_pthread_set_cfg() result (nothing changed unless ESP_OK).
esp_err_t configure_background_task(esp_pthread_cfg_t& previous);

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
