// expect: 'MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE' was not declared
// Mbed TLS 3 renamed it MBEDTLS_ERR_SSL_BAD_CERTIFICATE (the mistake tls_errors.cpp once made).
#include <mbedtls/ssl.h>
int code() { return MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE; }
