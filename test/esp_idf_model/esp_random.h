// Model: the hardware random number generator. ESP-IDF v5.5, API reference > System API >
// "Random Number Generation"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/random.html).
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t esp_random(void);
void esp_fill_random(void* buf, size_t len);

#ifdef __cplusplus
}
#endif
