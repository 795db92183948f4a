// Model: only the error codes of Mbed TLS's socket layer, which our own BIO callbacks return.
// Mbed TLS 3.6 API reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/),
// net_sockets.h.
#pragma once

#include "mbedtls/ssl.h"

#define MBEDTLS_ERR_NET_RECV_FAILED -0x004C
#define MBEDTLS_ERR_NET_SEND_FAILED -0x004E
