// What differs per target, injected into the layers that need it: clock, randomness, identity.
// The session sees none of these; the facade receives them from the platform port.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mqtt_setup/session.hpp"

namespace mqtt_setup::platform {

/// Monotonic milliseconds since an arbitrary start.
Millis now_ms();

/// A random 32-bit number for backoff jitter (not for cryptography).
std::uint32_t random_u32();

/// Bytes that identify this device: the factory MAC on ESP32; on Linux the MAC of the first
/// non-loopback interface, else a hash of /etc/machine-id. Returns the count written (<= out).
std::size_t unique_id(std::span<std::uint8_t> out);

/// The prefix of client ids: "esp32" on ESP32, "linux" on Linux.
std::string_view client_id_prefix();

/// `{prefix}_{lower-case hex of unique_id()}`, e.g. "esp32_a1b2c3d4e5f6"; stable across runs.
std::string default_client_id(std::string_view prefix = client_id_prefix());

/// Sleeps the calling thread.
void sleep_ms(std::uint32_t ms);

}  // namespace mqtt_setup::platform
