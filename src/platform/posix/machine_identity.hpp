// Where a POSIX host's identity comes from, split out of unique_id() so tests can point the
// sources at a fake /sys/class/net tree and a fake machine-id file.
#pragma once

#if !defined(ESP_PLATFORM)

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mqtt_setup::platform::posix {

using Mac = std::array<std::uint8_t, 6>;

/// The MAC of the most stable interface under `net_dir` (laid out like /sys/class/net: one
/// directory per interface holding `address`, and `device` for hardware). Loopback, all-zero
/// and non-6-byte addresses never qualify. Preference: hardware over virtual, then a factory
/// (universally administered) address over a random one, then the interface name, so the
/// answer does not change when a container or VPN adds an interface.
std::optional<Mac> interface_mac(const char* net_dir);

/// FNV-1a 64 of the file's first line (surrounding white space trimmed), folded to 6 bytes;
/// nothing if the file is missing or that line is empty.
std::optional<Mac> file_hash_id(const char* path);

/// Parses "aa:bb:cc:dd:ee:ff" (trailing white space allowed).
std::optional<Mac> parse_mac(std::span<const char> text);

std::uint64_t fnv1a64(std::span<const std::uint8_t> data);

}  // namespace mqtt_setup::platform::posix

#endif  // !ESP_PLATFORM
