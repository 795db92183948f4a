// Model: ESP-IDF's pthread extensions (stack, priority, name, core of new threads). ESP-IDF
// v5.5, API reference > System API > "POSIX Support (Including POSIX Threads Support)",
// section ESP-IDF Extensions
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/pthread.html).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t stack_size;
  size_t prio;
  bool inherit_cfg;
  const char* thread_name;
  int pin_to_core;  // a core number, or tskNO_AFFINITY
  uint32_t stack_alloc_caps;
} esp_pthread_cfg_t;

esp_pthread_cfg_t esp_pthread_get_default_config(void);
esp_err_t esp_pthread_set_cfg(const esp_pthread_cfg_t* cfg);
esp_err_t esp_pthread_get_cfg(esp_pthread_cfg_t* p);

#ifdef __cplusplus
}
#endif
