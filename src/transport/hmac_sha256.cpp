#include "transport/hmac_sha256.hpp"

#include <mbedtls/platform_util.h>

namespace mqtt_setup::scram {
namespace {

constexpr std::size_t kBlock = 64;  // SHA-256's block, RFC 2104's B

#if MBEDTLS_VERSION_MAJOR >= 3
int starts(mbedtls_sha256_context* c) { return mbedtls_sha256_starts(c, 0); }
int update(mbedtls_sha256_context* c, const std::uint8_t* p, std::size_t n) {
  return mbedtls_sha256_update(c, p, n);
}
int finish(mbedtls_sha256_context* c, std::uint8_t* out) { return mbedtls_sha256_finish(c, out); }
#else
int starts(mbedtls_sha256_context* c) { return mbedtls_sha256_starts_ret(c, 0); }
int update(mbedtls_sha256_context* c, const std::uint8_t* p, std::size_t n) {
  return mbedtls_sha256_update_ret(c, p, n);
}
int finish(mbedtls_sha256_context* c, std::uint8_t* out) {
  return mbedtls_sha256_finish_ret(c, out);
}
#endif

/// A SHA-256 context that frees itself.
struct Sha256 {
  Sha256() { mbedtls_sha256_init(&ctx); }
  ~Sha256() { mbedtls_sha256_free(&ctx); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  mbedtls_sha256_context ctx;
};

}  // namespace

bool sha256(std::span<const std::uint8_t> data, Digest& out) {
  Sha256 h;
  return starts(&h.ctx) == 0 && update(&h.ctx, data.data(), data.size()) == 0 &&
         finish(&h.ctx, out.data()) == 0;
}

HmacSha256::HmacSha256(std::span<const std::uint8_t> key) {
  mbedtls_sha256_init(&inner_);
  mbedtls_sha256_init(&outer_);
  std::array<std::uint8_t, kBlock> block{};
  Digest hashed{};
  if (key.size() > kBlock) {  // RFC 2104: longer keys are hashed first
    if (!sha256(key, hashed)) return;
    key = hashed;
  }
  std::array<std::uint8_t, kBlock> pad{};
  for (std::size_t i = 0; i < key.size(); ++i) block[i] = key[i];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<std::uint8_t>(block[i] ^ 0x36);
  ok_ = starts(&inner_) == 0 && update(&inner_, pad.data(), kBlock) == 0;
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<std::uint8_t>(block[i] ^ 0x5C);
  ok_ = ok_ && starts(&outer_) == 0 && update(&outer_, pad.data(), kBlock) == 0;
  mbedtls_platform_zeroize(block.data(), block.size());
  mbedtls_platform_zeroize(pad.data(), pad.size());
  mbedtls_platform_zeroize(hashed.data(), hashed.size());
}

HmacSha256::~HmacSha256() {
  mbedtls_sha256_free(&inner_);  // zeroizes
  mbedtls_sha256_free(&outer_);
}

bool HmacSha256::mac(std::initializer_list<std::span<const std::uint8_t>> parts,
                     Digest& out) const {
  if (!ok_) return false;
  Sha256 h;
  mbedtls_sha256_clone(&h.ctx, &inner_);
  for (const auto part : parts) {
    if (update(&h.ctx, part.data(), part.size()) != 0) return false;
  }
  Digest inner_hash{};
  if (finish(&h.ctx, inner_hash.data()) != 0) return false;
  mbedtls_sha256_clone(&h.ctx, &outer_);
  return update(&h.ctx, inner_hash.data(), inner_hash.size()) == 0 &&
         finish(&h.ctx, out.data()) == 0;
}

}  // namespace mqtt_setup::scram
