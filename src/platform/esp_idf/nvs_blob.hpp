// Small named blobs in NVS (the ESP32's key-value flash store), for whatever the client has to
// keep across a reboot. NVS wears flash per write: keep writes rare (not once per message).
// Requires nvs_flash_init() to have run (the application does it at boot).
#pragma once
#if defined(ESP_PLATFORM)

#include <cstddef>
#include <cstdint>
#include <span>

#include "esp_err.h"

namespace mqtt_setup::platform::esp_idf {

/// Reads blob `key` of namespace `ns` into `out`. On ESP_OK `length` is its size. Returns
/// ESP_ERR_NVS_NOT_FOUND when there is none, ESP_ERR_NVS_INVALID_LENGTH when `out` is too small.
esp_err_t read_blob(const char* ns, const char* key, std::span<std::uint8_t> out,
                    std::size_t& length);

/// Writes (replaces) blob `key` of namespace `ns` and commits it.
esp_err_t write_blob(const char* ns, const char* key, std::span<const std::uint8_t> data);

/// Removes blob `key`; ESP_OK also when it did not exist.
esp_err_t erase_blob(const char* ns, const char* key);

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
