// From mbedTLS's answers (error codes, certificate verification flags, alerts) to our
// TransportError and a one-line human detail. Pure functions of numbers, so that every mapping
// is unit-tested without a handshake (test/unit/transport/tls_errors_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "mqtt_setup/transport.hpp"

namespace mqtt_setup::tls {

/// A fixed-capacity line of text: the detail must not allocate after setup, and truncating a
/// diagnostic is better than failing to report it.
class DetailText {
 public:
  static constexpr std::size_t kCapacity = 320;

  void clear() { size_ = 0; }
  DetailText& operator<<(std::string_view text);
  DetailText& operator<<(long number);
  /// mbedTLS error code as "-0x2700 (X509 - Certificate verification failed ...)".
  DetailText& mbedtls_error(int code);
  std::string_view view() const { return {buffer_, size_}; }
  bool empty() const { return size_ == 0; }

 private:
  char buffer_[kCapacity];
  std::size_t size_ = 0;
};

/// The category a set of MBEDTLS_X509_BADCERT_* flags falls in. When several apply, the one a
/// person must fix first wins: an untrusted certificate makes its name and dates meaningless,
/// and a certificate for another host is wrong whatever its dates.
TransportError error_from_verify_flags(std::uint32_t flags);

/// The one MBEDTLS_X509_BADCERT_* flag that decided error_from_verify_flags(flags).
std::uint32_t deciding_flag(std::uint32_t flags);

/// Short English for one BADCERT flag ("has expired", "is not signed by a trusted CA").
std::string_view describe_verify_flag(std::uint32_t flag);

/// What a failed handshake means. `io_error` is what the socket reported underneath, if it
/// failed; `verify_flags` the union of the flags certificate verification found (0: none).
TransportError error_from_handshake(int mbedtls_error, std::uint32_t verify_flags,
                                    std::optional<TransportError> io_error);

/// The name of a TLS alert (RFC 8446 §6, RFC 5246 §7.2), or "" when unknown.
std::string_view alert_name(int alert);
/// What a person can do about a fatal alert from the broker ("" when there is no advice).
std::string_view alert_advice(int alert);

}  // namespace mqtt_setup::tls
