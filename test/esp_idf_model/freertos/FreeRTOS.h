// Model: FreeRTOS base types, ticks and constants as ESP-IDF v5.5 configures them for the
// ESP32 (Xtensa). ESP-IDF v5.5, API reference > System API > "FreeRTOS (IDF)"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/freertos_idf.html)
// and "FreeRTOS Overview"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/freertos.html).
// Include first, before any other FreeRTOS header (as ESP-IDF requires).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sdkconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;

#define portMAX_DELAY ((TickType_t)0xffffffffUL)
#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdPASS pdTRUE

// The tick rate is menuconfig's CONFIG_FREERTOS_HZ (100 Hz unless changed). The model's
// sdkconfig.h holds only our own options, hence the default here.
#if defined(CONFIG_FREERTOS_HZ)
#define configTICK_RATE_HZ CONFIG_FREERTOS_HZ
#else
#define configTICK_RATE_HZ 100
#endif

// Milliseconds to ticks, rounding down, computed in TickType_t as FreeRTOS does.
#define pdMS_TO_TICKS(ms) \
  ((TickType_t)(((TickType_t)(ms) * (TickType_t)configTICK_RATE_HZ) / (TickType_t)1000U))

#ifdef __cplusplus
}
#endif
