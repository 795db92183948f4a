// Model: SHA-256 of Mbed TLS 3.6 (the SCRAM authenticator's HMAC is built on it). Mbed TLS 3.6
// API reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), sha256.h: since 3.0
// the functions are the former *_ret ones under their plain names, returning 0 or an error.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/build_info.h"
#include "mbedtls/private_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_sha256_context {
  unsigned char MBEDTLS_PRIVATE(buffer)[64];
  uint32_t MBEDTLS_PRIVATE(total)[2];
  uint32_t MBEDTLS_PRIVATE(state)[8];
  int MBEDTLS_PRIVATE(is224);
} mbedtls_sha256_context;

void mbedtls_sha256_init(mbedtls_sha256_context* ctx);
void mbedtls_sha256_free(mbedtls_sha256_context* ctx);
void mbedtls_sha256_clone(mbedtls_sha256_context* dst, const mbedtls_sha256_context* src);
int mbedtls_sha256_starts(mbedtls_sha256_context* ctx, int is224);
int mbedtls_sha256_update(mbedtls_sha256_context* ctx, const unsigned char* input, size_t ilen);
int mbedtls_sha256_finish(mbedtls_sha256_context* ctx, unsigned char* output);

#ifdef __cplusplus
}
#endif
