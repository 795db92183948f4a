// Model: ESP-IDF's certificate bundle. ESP-IDF v5.5, API reference > Application Protocols >
// "ESP x509 Certificate Bundle"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/protocols/esp_crt_bundle.html).
#pragma once

#include "esp_err.h"

#ifdef __cplusplus
extern "C" {
#endif

// conf: the mbedtls_ssl_config to verify with the bundle.
esp_err_t esp_crt_bundle_attach(void* conf);

#ifdef __cplusplus
}
#endif
