// Model: restart. ESP-IDF v5.5, API reference > System API > "Miscellaneous System APIs",
// section Software Reset
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/misc_system_api.html).
#pragma once

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

void esp_restart(void) __attribute__((__noreturn__));

#ifdef __cplusplus
}
#endif
