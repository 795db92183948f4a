// Model: the entropy accumulator. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), entropy.h.
#pragma once

#include <stddef.h>

#include "mbedtls/build_info.h"
#include "mbedtls/private_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_entropy_context {
  int MBEDTLS_PRIVATE(accumulator_started);
  unsigned char MBEDTLS_PRIVATE(state)[64];
} mbedtls_entropy_context;

void mbedtls_entropy_init(mbedtls_entropy_context* ctx);
void mbedtls_entropy_free(mbedtls_entropy_context* ctx);
int mbedtls_entropy_func(void* data, unsigned char* output, size_t len);

#ifdef __cplusplus
}
#endif
