// Model: the CTR_DRBG deterministic random bit generator. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), ctr_drbg.h.
#pragma once

#include <stddef.h>

#include "mbedtls/entropy.h"

#define MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED -0x0034

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_ctr_drbg_context {
  unsigned char MBEDTLS_PRIVATE(counter)[16];
  int MBEDTLS_PRIVATE(reseed_counter);
  int (*MBEDTLS_PRIVATE(f_entropy))(void*, unsigned char*, size_t);
  void* MBEDTLS_PRIVATE(p_entropy);
} mbedtls_ctr_drbg_context;

void mbedtls_ctr_drbg_init(mbedtls_ctr_drbg_context* ctx);
void mbedtls_ctr_drbg_free(mbedtls_ctr_drbg_context* ctx);
int mbedtls_ctr_drbg_seed(mbedtls_ctr_drbg_context* ctx,
                          int (*f_entropy)(void*, unsigned char*, size_t), void* p_entropy,
                          const unsigned char* custom, size_t len);
int mbedtls_ctr_drbg_random(void* p_rng, unsigned char* output, size_t output_len);

#ifdef __cplusplus
}
#endif
