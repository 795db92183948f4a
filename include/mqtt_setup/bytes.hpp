// Byte views shared by every layer: the codec decodes into them, the session stores them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace mqtt_setup::codec {

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

/// Views the characters of a string as bytes (payloads are often text).
inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_text(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace mqtt_setup::codec
