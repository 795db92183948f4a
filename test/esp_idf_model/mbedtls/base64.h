// Model: Base64 of Mbed TLS 3.6 (SCRAM's messages carry the salt, proof and signature in it).
// Mbed TLS 3.6 API reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), base64.h.
#pragma once

#include <stddef.h>

#include "mbedtls/build_info.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL -0x002A
#define MBEDTLS_ERR_BASE64_INVALID_CHARACTER -0x002C

int mbedtls_base64_encode(unsigned char* dst, size_t dlen, size_t* olen, const unsigned char* src,
                          size_t slen);
int mbedtls_base64_decode(unsigned char* dst, size_t dlen, size_t* olen, const unsigned char* src,
                          size_t slen);

#ifdef __cplusplus
}
#endif
