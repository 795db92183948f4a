// Model: Mbed TLS 3 renames struct members that are not part of its API; MBEDTLS_PRIVATE(x)
// names them. Mbed TLS 3.6 API reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/),
// and the 3.0 migration guide, "Most structure fields are now private".
#pragma once

#if defined(MBEDTLS_ALLOW_PRIVATE_ACCESS)
#define MBEDTLS_PRIVATE(member) member
#else
#define MBEDTLS_PRIVATE(member) private_##member
#endif
