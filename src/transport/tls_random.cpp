// One random generator for every TLS connection of the process. The entropy context alone is
// 38 KB on Debian's mbedTLS 2.28 (HAVEGE state), which a per-connection generator would
// multiply by the number of connections (the fleet simulator opens thousands); and it lives
// in static storage, not on the heap.
#include "transport/tls_random.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/version.h>

#include <mutex>

#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

namespace mqtt_setup::tls {
namespace {

struct Generator {
  Generator() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
  }
  ~Generator() {
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // Our own lock: mbedtls_ctr_drbg_random() is thread-safe only with MBEDTLS_THREADING_C.
  std::mutex mutex;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  bool seeded = false;
};

Generator& generator() {
  static Generator instance;
  return instance;
}

}  // namespace

int seed_random() {
  Generator& g = generator();
  const std::lock_guard lock(g.mutex);
  if (g.seeded) return 0;
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
  // mbedTLS 3 routes TLS 1.3 and (with MBEDTLS_USE_PSA_CRYPTO) more through PSA. Idempotent.
  if (psa_crypto_init() != PSA_SUCCESS) return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
#endif
  static constexpr unsigned char kPersonalisation[] = "mqtt_setup tls client";
  const int r = mbedtls_ctr_drbg_seed(&g.drbg, mbedtls_entropy_func, &g.entropy, kPersonalisation,
                                      sizeof kPersonalisation - 1);
  g.seeded = r == 0;
  return r;
}

int random_bytes(void* /*unused*/, unsigned char* out, std::size_t size) {
  Generator& g = generator();
  const std::lock_guard lock(g.mutex);
  return mbedtls_ctr_drbg_random(&g.drbg, out, size);
}

}  // namespace mqtt_setup::tls
