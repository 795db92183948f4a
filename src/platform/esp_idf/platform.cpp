// The platform interface (include/mqtt_setup/platform.hpp) on ESP-IDF v5.x. Compiles to
// nothing elsewhere: Arduino builds every file under src/, and Linux never sees ESP_PLATFORM.
// It is also the Arduino port: the Arduino-ESP32 core 3.x is built on ESP-IDF 5.x (its 2.x to
// 3.0 migration guide), and its SDK's flags/defines pass -DESP_PLATFORM and flags/includes the
// esp_timer, esp_hw_support, freertos, esp_event, nvs_flash and pthread headers used here.
// millis() there is esp_timer_get_time() / 1000 as well, and the core's Network library
// creates the default event loop (esp_event_loop_create_default) that network_watch.cpp uses.
#if defined(ESP_PLATFORM)

#include <array>

#include "background_task.hpp"
#include "esp_mac.h"          // esp_read_mac, ESP_MAC_WIFI_STA: components/esp_hw_support/include/esp_mac.h
#include "esp_pthread.h"      // esp_pthread_cfg_t, esp_pthread_set_cfg: components/pthread/include/esp_pthread.h
#include "esp_random.h"       // esp_fill_random: components/esp_hw_support/include/esp_random.h
#include "esp_timer.h"        // esp_timer_get_time: components/esp_timer/include/esp_timer.h
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"    // vTaskDelay, pdMS_TO_TICKS: components/freertos/FreeRTOS-Kernel/include/freertos/{task,projdefs}.h
#include "mqtt_setup/platform.hpp"
#include "network_watch.hpp"
#include "platform/storage_queue.hpp"

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

void sleep_ms(std::uint32_t ms) {
  // At least one tick, so a 1 ms sleep still yields to other tasks (and the idle watchdog).
  const TickType_t ticks = pdMS_TO_TICKS(ms);
  vTaskDelay(ticks > 0 ? ticks : 1);
}

std::thread start_background_thread(void (*run)(void* context), void* context) {
  esp_pthread_cfg_t callers{};
  // Refused (ESP_ERR_INVALID_ARG: a stack below PTHREAD_STACK_MIN; ESP_ERR_NO_MEM): the thread
  // still starts, with the CONFIG_PTHREAD_TASK_* defaults.
  const bool configured = esp_idf::configure_background_task(callers) == ESP_OK;
  std::thread thread(run, context);
  // esp_pthread would apply ours to every later thread of the caller: give it its own back.
  if (configured) (void)esp_pthread_set_cfg(&callers);
  return thread;
}

namespace {

class WifiEvents final : public NetworkEvents {
 public:
  esp_idf::NetworkWatch watch;  // its destructor unregisters, waiting for a running callback
};

}  // namespace

std::unique_ptr<NetworkEvents> watch_network(void (*on_change)(void* context, bool up),
                                             void* context) {
  auto events = std::make_unique<WifiEvents>();
  // ESP_ERR_INVALID_STATE when esp_event_loop_create_default() has not run
  // (components/esp_event/default_event_loop.c, v5.0..v5.5).
  if (events->watch.start(on_change, context) != ESP_OK) return nullptr;
  return events;
}

std::unique_ptr<DurableQueue> open_durable_queue(const std::string& path,
                                                 const DurableQueueSettings& settings,
                                                 int& error_number) {
  // NVS through the Storage the deep-sleep state uses (docs/durable_outbox.md says why not a
  // file): `path` only names the queue, its keys are derived from it.
  auto nvs = default_storage({}, error_number);
  if (!nvs) return nullptr;
  return StorageQueue::open(std::move(nvs), path, settings, error_number);
}

}  // namespace mqtt_setup::platform

#endif  // ESP_PLATFORM
