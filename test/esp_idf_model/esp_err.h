// Model: esp_err_t and the codes we test. ESP-IDF v5.5, API reference > System API >
// "Error Codes and Helper Functions"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/system/esp_err.html)
// and "Error Codes Reference"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/error-codes.html).
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int esp_err_t;

#define ESP_OK 0
#define ESP_FAIL (-1)
#define ESP_ERR_NO_MEM 0x101
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERR_INVALID_STATE 0x103
#define ESP_ERR_NOT_FOUND 0x105

// Called by ESP_ERROR_CHECK when the expression is not ESP_OK; aborts.
void _esp_error_check_failed(esp_err_t rc, const char* file, int line, const char* function,
                             const char* expression) __attribute__((__noreturn__));

#define ESP_ERROR_CHECK(x)                                                     \
  do {                                                                         \
    esp_err_t esp_error_check_rc = (x);                                        \
    if (esp_error_check_rc != ESP_OK) {                                        \
      _esp_error_check_failed(esp_error_check_rc, __FILE__, __LINE__,          \
                              __func__, #x);                                   \
    }                                                                          \
  } while (0)

#ifdef __cplusplus
}
#endif
