// Model: the random generator callback type and secure zeroing of Mbed TLS 3.6. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), platform_util.h.
#pragma once

#include <stddef.h>

#include "mbedtls/build_info.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int mbedtls_f_rng_t(void* p_rng, unsigned char* output, size_t output_size);

void mbedtls_platform_zeroize(void* buf, size_t len);

#ifdef __cplusplus
}
#endif
