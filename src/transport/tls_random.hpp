// The process's random generator for TLS (CTR-DRBG seeded from mbedTLS's entropy sources),
// shared by all connections and safe to use from several threads.
#pragma once

#include <cstddef>

namespace mqtt_setup::tls {

/// Seeds the generator on first use; 0 or an mbedTLS error code. Later calls return 0.
int seed_random();

/// An f_rng for mbedTLS (mbedtls_ssl_conf_rng and friends); the context is unused.
int random_bytes(void* context, unsigned char* out, std::size_t size);

}  // namespace mqtt_setup::tls
