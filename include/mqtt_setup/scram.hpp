// SCRAM-SHA-256 (RFC 5802, RFC 7677) as an MQTT 5.0 enhanced authentication method
// ("SCRAM-SHA-256"): the password never crosses the wire, and the broker proves that it knows
// it too (its server signature is checked; a mismatch fails the connection).
//
//   CONNECT   method "SCRAM-SHA-256", data = client-first  "n,,n=<user>,r=<client nonce>"
//   AUTH 0x18 <- server-first "r=<nonce>,s=<salt>,i=<iterations>"
//   AUTH 0x18 -> client-final "c=biws,r=<nonce>,p=<proof>"
//   CONNACK 0 <- server-final "v=<server signature>"   (or AUTH 0x00 after a re-authentication)
//
// Built on mbedTLS (2.28 and 3.x: HMAC-SHA-256 through mbedtls_md, base64), in its own library
// mqtt_setup_scram, which exists where mbedTLS does (Linux with libmbedtls-dev, ESP-IDF).
// User name: RFC 5802's escaping of ',' and '=' is done; SASLprep (RFC 4013) is not: user name
// and password are used as given (UTF-8 bytes), which equals SASLprep for printable ASCII.
// Memory: everything lives in the object (about 700 bytes), no heap. Threading: one session's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqtt_setup/authenticator.hpp"

namespace mqtt_setup {

/// Where SCRAM's client nonce comes from (injectable: tests give RFC 7677's).
struct ScramRandom {
  /// Fills `out` with `size` random bytes; 0 on success (mbedTLS's f_rng shape).
  using Fill = int (*)(void* context, unsigned char* out, std::size_t size);
  Fill fill = nullptr;  // nullptr: mbedTLS's CTR-DRBG seeded from the platform's entropy
  void* context = nullptr;
  /// Random bytes per client nonce (base64-encoded on the wire): 18 give 144 bits.
  std::size_t nonce_bytes = 18;
};

class ScramSha256 final : public Authenticator {
 public:
  using Random = ScramRandom;
  static constexpr std::size_t kMaxUsername = 128;   // after escaping: up to 3 x this on the wire
  static constexpr std::size_t kMaxNonceBytes = 48;
  /// Iteration counts above this are refused (MalformedChallenge): a broker, or someone in its
  /// place, could otherwise keep a small device hashing for minutes.
  static constexpr std::uint32_t kMaxIterations = 1'000'000;

  /// `username` and `password` are views: the caller keeps them alive as long as this object.
  ScramSha256(std::string_view username, std::string_view password, Random random = {});
  ~ScramSha256();
  ScramSha256(const ScramSha256&) = delete;
  ScramSha256& operator=(const ScramSha256&) = delete;

  std::string_view method() const override { return "SCRAM-SHA-256"; }
  /// client-first-message; TooLarge when the user name is too long, RandomFailed.
  Result<codec::Bytes, AuthError> start() override;
  /// server-first-message -> client-final-message (with the proof). MalformedChallenge when
  /// it is not a server-first for our nonce (or uses a mandatory extension, "m=").
  Result<codec::Bytes, AuthError> challenge(codec::Bytes server_data) override;
  /// server-final-message: ServerNotVerified unless it carries the expected server signature;
  /// ServerError for "e=..."; OutOfOrder before challenge().
  Result<void, AuthError> finish(codec::Bytes server_data) override;

 private:
  enum class Step : std::uint8_t { Idle, SentFirst, SentFinal };
  static constexpr std::size_t kHashSize = 32;
  static constexpr std::size_t kMaxClientFirst = 3 + 2 + 3 * kMaxUsername + 3 + 2 * kMaxNonceBytes;
  static constexpr std::size_t kMaxClientFinal = 512;

  std::string_view username_;
  std::string_view password_;
  Random random_;
  Step step_ = Step::Idle;
  std::size_t client_first_size_ = 0;
  std::size_t client_final_size_ = 0;
  std::array<char, kMaxClientFirst> client_first_{};
  std::array<char, kMaxClientFinal> client_final_{};
  std::array<std::uint8_t, kHashSize> server_signature_{};  // what server-final must carry
};

}  // namespace mqtt_setup
