// expect: has no member named 'f_vrfy'
// Mbed TLS 3 members are private: reachable only through MBEDTLS_PRIVATE(f_vrfy).
#include <mbedtls/ssl.h>
bool has_callback(const mbedtls_ssl_config& config) { return config.f_vrfy != nullptr; }
