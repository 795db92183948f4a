// Model: the monotonic time since boot. ESP-IDF v5.5, API reference > System API >
// "ESP Timer (High Resolution Timer)"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_timer.html).
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int64_t esp_timer_get_time(void);  // microseconds since boot

#ifdef __cplusplus
}
#endif
