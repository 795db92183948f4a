// Model: public/private keys. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), pk.h. In Mbed TLS 3 the parse and
// check functions take a
// random generator (the 3.0 migration guide: "Some functions gained an RNG parameter").
#pragma once

#include "mbedtls/platform_util.h"
#include "mbedtls/private_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_pk_info_t mbedtls_pk_info_t;

typedef struct mbedtls_pk_context {
  const mbedtls_pk_info_t* MBEDTLS_PRIVATE(pk_info);
  void* MBEDTLS_PRIVATE(pk_ctx);
} mbedtls_pk_context;

void mbedtls_pk_init(mbedtls_pk_context* ctx);
void mbedtls_pk_free(mbedtls_pk_context* ctx);
int mbedtls_pk_parse_keyfile(mbedtls_pk_context* ctx, const char* path, const char* password,
                             mbedtls_f_rng_t* f_rng, void* p_rng);
int mbedtls_pk_check_pair(const mbedtls_pk_context* pub, const mbedtls_pk_context* prv,
                          mbedtls_f_rng_t* f_rng, void* p_rng);

#ifdef __cplusplus
}
#endif
