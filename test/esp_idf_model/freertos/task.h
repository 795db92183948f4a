// Model: the task API we use: delays, the current task, task notifications used as a counting
// semaphore, and core affinity. ESP-IDF v5.5, API reference > System API > "FreeRTOS (IDF)",
// Task API
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/freertos_idf.html).
// xTaskNotifyGive and ulTaskNotifyTake are macros over the
// indexed "generic" functions in FreeRTOS, so they cannot have their address taken here either.
#pragma once

#include <stdint.h>

#include "freertos/FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tskTaskControlBlock* TaskHandle_t;

typedef enum {
  eNoAction = 0,
  eSetBits,
  eIncrement,
  eSetValueWithOverwrite,
  eSetValueWithoutOverwrite,
} eNotifyAction;

// ESP-IDF: no core affinity (a task may run on either core).
#define tskNO_AFFINITY ((BaseType_t)0x7FFFFFFF)
#define tskDEFAULT_INDEX_TO_NOTIFY 0

void vTaskDelay(const TickType_t xTicksToDelay);
TaskHandle_t xTaskGetCurrentTaskHandle(void);

BaseType_t xTaskGenericNotify(TaskHandle_t xTaskToNotify, UBaseType_t uxIndexToNotify,
                              uint32_t ulValue, eNotifyAction eAction,
                              uint32_t* pulPreviousNotificationValue);
uint32_t ulTaskGenericNotifyTake(UBaseType_t uxIndexToWaitOn, BaseType_t xClearCountOnExit,
                                 TickType_t xTicksToWait);

// Increments the task's notification value (returns pdPASS).
#define xTaskNotifyGive(xTaskToNotify) \
  xTaskGenericNotify((xTaskToNotify), tskDEFAULT_INDEX_TO_NOTIFY, 0, eIncrement, NULL)
// Waits up to xTicksToWait for a non-zero notification value; returns it before clearing
// (pdTRUE) or decrementing (pdFALSE) it, 0 on timeout.
#define ulTaskNotifyTake(xClearCountOnExit, xTicksToWait) \
  ulTaskGenericNotifyTake(tskDEFAULT_INDEX_TO_NOTIFY, (xClearCountOnExit), (xTicksToWait))

#ifdef __cplusplus
}
#endif
