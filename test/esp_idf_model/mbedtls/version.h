// Model: run-time version query; the MBEDTLS_VERSION_* macros come from build_info.h, as in
// Mbed TLS 3. Mbed TLS 3.6 API reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/),
// version.h.
#pragma once

#include "mbedtls/build_info.h"
