// HMAC-SHA-256 (RFC 2104) on mbedTLS's SHA-256 context, for SCRAM: without mbedtls_md_setup(),
// which takes its context from the heap, and with the padded key hashed once, so that SCRAM's
// thousands of HMACs under one key (Hi(), RFC 5802) cost two SHA-256 blocks each.
// The same calls exist in mbedTLS 2.28 and 3.x (2.28's carry a _ret suffix).
#pragma once

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

namespace mqtt_setup::scram {

using Digest = std::array<std::uint8_t, 32>;

/// SHA-256 of `data`; false when mbedTLS fails.
bool sha256(std::span<const std::uint8_t> data, Digest& out);

class HmacSha256 {
 public:
  /// Keys the HMAC; false when mbedTLS fails (then mac() fails too).
  explicit HmacSha256(std::span<const std::uint8_t> key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  /// HMAC of the concatenation of `parts`.
  bool mac(std::initializer_list<std::span<const std::uint8_t>> parts, Digest& out) const;

 private:
  mbedtls_sha256_context inner_;  // after the key XOR ipad block
  mbedtls_sha256_context outer_;  // after the key XOR opad block
  bool ok_ = false;
};

}  // namespace mqtt_setup::scram
