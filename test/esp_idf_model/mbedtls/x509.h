// Model: X.509 common types, verification flags and errors. Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), x509.h.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/asn1.h"

#define MBEDTLS_ERR_X509_CERT_VERIFY_FAILED -0x2700

// Why a certificate failed verification (bits of the flags the verify callback sees).
#define MBEDTLS_X509_BADCERT_EXPIRED 0x01
#define MBEDTLS_X509_BADCERT_REVOKED 0x02
#define MBEDTLS_X509_BADCERT_CN_MISMATCH 0x04
#define MBEDTLS_X509_BADCERT_NOT_TRUSTED 0x08
#define MBEDTLS_X509_BADCERT_MISSING 0x40
#define MBEDTLS_X509_BADCERT_SKIP_VERIFY 0x80
#define MBEDTLS_X509_BADCERT_FUTURE 0x0200
#define MBEDTLS_X509_BADCERT_KEY_USAGE 0x0800
#define MBEDTLS_X509_BADCERT_EXT_KEY_USAGE 0x1000
#define MBEDTLS_X509_BADCERT_NS_CERT_TYPE 0x2000
#define MBEDTLS_X509_BADCERT_BAD_MD 0x4000
#define MBEDTLS_X509_BADCERT_BAD_PK 0x8000
#define MBEDTLS_X509_BADCERT_BAD_KEY 0x010000

#ifdef __cplusplus
extern "C" {
#endif

typedef mbedtls_asn1_buf mbedtls_x509_buf;
typedef mbedtls_asn1_named_data mbedtls_x509_name;
typedef mbedtls_asn1_sequence mbedtls_x509_sequence;

typedef struct mbedtls_x509_time {
  int year, mon, day;
  int hour, min, sec;
} mbedtls_x509_time;

// Writes the distinguished name as text ("CN=..., O=..."); returns its length or an error.
int mbedtls_x509_dn_gets(char* buf, size_t size, const mbedtls_x509_name* dn);

#ifdef __cplusplus
}
#endif
