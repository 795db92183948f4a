#if defined(ESP_PLATFORM)

#include "background_task.hpp"

#include "esp_pthread.h"  // esp_pthread_get_cfg, esp_pthread_get_default_config, esp_pthread_set_cfg: components/pthread/include/esp_pthread.h
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"  // tskNO_AFFINITY: components/freertos/FreeRTOS-Kernel/include/freertos/task.h
#include "mqtt_setup/kconfig_defaults.hpp"

namespace mqtt_setup::platform::esp_idf {

esp_err_t configure_background_task(esp_pthread_cfg_t& previous) {
  // ESP_ERR_NOT_FOUND: the caller never set one. pthread_create() then uses exactly what
  // esp_pthread_get_default_config() holds (components/pthread/pthread.c, v5.0..v5.5: the same
  // CONFIG_PTHREAD_TASK_* values, no inheritance, the default name), so that is "before".
  if (esp_pthread_get_cfg(&previous) != ESP_OK) previous = esp_pthread_get_default_config();
  esp_pthread_cfg_t config = esp_pthread_get_default_config();
  config.stack_size = kconfig::kTaskStackSize;
  config.prio = kconfig::kTaskPriority;
  // Kconfig says -1 for "any core"; FreeRTOS spells that tskNO_AFFINITY (0x7FFFFFFF in IDF).
  config.pin_to_core = kconfig::kTaskCore < 0 ? tskNO_AFFINITY : kconfig::kTaskCore;
  config.thread_name = "mqtt_setup";
  // Not inherited: threads the user starts from our handlers get the defaults again.
  config.inherit_cfg = false;
  return esp_pthread_set_cfg(&config);
}

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
