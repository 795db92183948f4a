// Model: the ASN.1 buffers certificates are described with. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), asn1.h.
#pragma once

#include <stddef.h>

#include "mbedtls/build_info.h"
#include "mbedtls/private_access.h"

#define MBEDTLS_ASN1_CONTEXT_SPECIFIC 0x80

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_asn1_buf {
  int tag;
  size_t len;
  unsigned char* p;
} mbedtls_asn1_buf;

typedef struct mbedtls_asn1_sequence {
  mbedtls_asn1_buf buf;
  struct mbedtls_asn1_sequence* next;
} mbedtls_asn1_sequence;

typedef struct mbedtls_asn1_named_data {
  mbedtls_asn1_buf oid;
  mbedtls_asn1_buf val;
  struct mbedtls_asn1_named_data* next;
  unsigned char MBEDTLS_PRIVATE(next_merged);
} mbedtls_asn1_named_data;

#ifdef __cplusplus
}
#endif
