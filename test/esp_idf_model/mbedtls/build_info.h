// Model: the Mbed TLS version ESP-IDF v5.5 ships (3.6.x) and the options of ESP-IDF's default
// configuration that our sources test. ESP-IDF v5.5, API reference > Application Protocols > "Mbed
// TLS"
// (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/api-reference/protocols/mbedtls.html)
// (its menuconfig options, components/mbedtls/Kconfig); Mbed TLS 3.6 API reference
// (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/).
#pragma once

#define MBEDTLS_VERSION_MAJOR 3
#define MBEDTLS_VERSION_NUMBER 0x03060600

// On in ESP-IDF v5.5's default configuration: CONFIG_MBEDTLS_SSL_ALPN,
// CONFIG_MBEDTLS_CLIENT_SSL_SESSION_TICKETS, CONFIG_MBEDTLS_ERROR_STRINGS;
// the maximum fragment length extension and PSA crypto always.
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_ERROR_C
#define MBEDTLS_PSA_CRYPTO_C

// CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN, 16384 unless changed in menuconfig.
#if defined(CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN)
#define MBEDTLS_SSL_IN_CONTENT_LEN CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN
#else
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#endif
