// CRC-32 (IEEE 802.3, the zlib/PNG one), for what we keep on disk or flash: the outbox file's
// records and the session snapshots of deep sleep. One implementation for both.
// Private to the library (src/); no allocation, no state.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mqtt_setup {

/// Continues `crc` (0 to start) over `size` bytes: crc32(crc32(0, a), b) == crc32(0, a + b).
std::uint32_t crc32(std::uint32_t crc, const std::uint8_t* data, std::size_t size);

}  // namespace mqtt_setup
