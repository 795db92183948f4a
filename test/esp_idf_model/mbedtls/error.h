// Model: error texts. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), error.h.
#pragma once

#include <stddef.h>

#include "mbedtls/build_info.h"

#ifdef __cplusplus
extern "C" {
#endif

void mbedtls_strerror(int errnum, char* buffer, size_t buflen);

#ifdef __cplusplus
}
#endif
