// Model: certificate chains. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), x509_crt.h. The members below are
// public in Mbed TLS 3.6
// (others, not used, are left out).
#pragma once

#include "mbedtls/pk.h"
#include "mbedtls/x509.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mbedtls_x509_crl mbedtls_x509_crl;

typedef struct mbedtls_x509_crt {
  int MBEDTLS_PRIVATE(own_buffer);
  mbedtls_x509_buf raw;
  int version;  // 0 in an initialised, empty chain
  mbedtls_x509_buf issuer_raw;
  mbedtls_x509_buf subject_raw;
  mbedtls_x509_name issuer;
  mbedtls_x509_name subject;
  mbedtls_x509_time valid_from;
  mbedtls_x509_time valid_to;
  mbedtls_pk_context pk;
  mbedtls_x509_sequence subject_alt_names;
  struct mbedtls_x509_crt* next;
} mbedtls_x509_crt;

void mbedtls_x509_crt_init(mbedtls_x509_crt* crt);
void mbedtls_x509_crt_free(mbedtls_x509_crt* crt);
// PEM (with its terminating NUL counted in buflen) or DER; returns 0, the number of
// certificates that failed to parse, or a negative error.
int mbedtls_x509_crt_parse(mbedtls_x509_crt* chain, const unsigned char* buf, size_t buflen);
int mbedtls_x509_crt_parse_file(mbedtls_x509_crt* chain, const char* path);
int mbedtls_x509_crt_parse_path(mbedtls_x509_crt* chain, const char* path);

#ifdef __cplusplus
}
#endif
