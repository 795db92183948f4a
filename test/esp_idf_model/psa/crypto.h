// Model: PSA Crypto initialisation, needed before TLS 1.3 in Mbed TLS 3.6. Mbed TLS 3.6 API
// reference (https://mbed-tls.readthedocs.io/projects/api/en/v3.6.x/), psa/crypto.h.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t psa_status_t;
#define PSA_SUCCESS ((psa_status_t)0)

psa_status_t psa_crypto_init(void);

#ifdef __cplusplus
}
#endif
