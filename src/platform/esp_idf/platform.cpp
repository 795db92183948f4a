// The platform interface (include/mqtt_setup/platform.hpp) on ESP-IDF v5.x. Compiles to
// nothing elsewhere: Arduino builds every file under src/, and Linux never sees ESP_PLATFORM.
#if defined(ESP_PLATFORM)

#include <array>

#include "esp_mac.h"          // esp_read_mac, ESP_MAC_WIFI_STA: components/esp_hw_support/include/esp_mac.h
#include "esp_random.h"       // esp_fill_random: components/esp_hw_support/include/esp_random.h
#include "esp_timer.h"        // esp_timer_get_time: components/esp_timer/include/esp_timer.h
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"    // vTaskDelay, pdMS_TO_TICKS: components/freertos/FreeRTOS-Kernel/include/freertos/{task,projdefs}.h
#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {

Millis now_ms() {
  // Microseconds since boot, monotonic, 64-bit: no wrap in the device's lifetime.
  return static_cast<Millis>(esp_timer_get_time() / 1000);
}

std::uint32_t random_u32() {
  // Hardware RNG; with Wi-Fi or BT on it is a true RNG, otherwise still distinct per device.
  std::uint32_t value = 0;
  esp_fill_random(&value, sizeof value);
  return value;
}

std::size_t unique_id(std::span<std::uint8_t> out) {
  // The station MAC: derived from the factory MAC in eFuse, the id the seed printed.
  std::array<std::uint8_t, 6> mac{};
  if (esp_read_mac(mac.data(), ESP_MAC_WIFI_STA) != ESP_OK) return 0;
  const std::size_t count = out.size() < mac.size() ? out.size() : mac.size();
  for (std::size_t i = 0; i < count; ++i) out[i] = mac[i];
  return count;
}

std::string_view client_id_prefix() { return "esp32"; }

std::string default_client_id(std::string_view prefix) {
  // Same format as the seed and the POSIX port: "esp32_" + lower-case hex, e.g. esp32_a1b2c3d4e5f6.
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<std::uint8_t, 16> id{};
  const std::size_t count = unique_id(id);
  std::string result;
  result.reserve(prefix.size() + 1 + 2 * count);
  result.append(prefix);
  result.push_back('_');
  for (std::size_t i = 0; i < count; ++i) {
    result.push_back(kHex[id[i] >> 4]);
    result.push_back(kHex[id[i] & 0x0F]);
  }
  return result;
}

void sleep_ms(std::uint32_t ms) {
  // At least one tick, so a 1 ms sleep still yields to other tasks (and the idle watchdog).
  const TickType_t ticks = pdMS_TO_TICKS(ms);
  vTaskDelay(ticks > 0 ? ticks : 1);
}

}  // namespace mqtt_setup::platform

#endif  // ESP_PLATFORM
