// Follows the Wi-Fi station so the client reconnects the moment the network is back instead of
// waiting out a backoff, and stops trying while the station is down.
//
// Each client that ran setup_connection() owns one, through platform::watch_network()
// (platform.cpp), and it does what MQTTSetup::network_changed(bool up) does:
//   up:   IP_EVENT_STA_GOT_IP  -> reset the backoff and connect now
//   down: WIFI_EVENT_STA_DISCONNECTED, IP_EVENT_STA_LOST_IP -> no attempts until up again
// The callback runs on the default event loop task ("sys_evt"): it records the state and wakes
// the connection thread, under the client's lock, held briefly. start() and stop() wait for the
// event loop (its mutex, held while handlers run), so never call them with that lock held.
#pragma once
#if defined(ESP_PLATFORM)

#include "esp_err.h"
#include "esp_event.h"

namespace mqtt_setup::platform::esp_idf {

class NetworkWatch {
 public:
  using Callback = void (*)(void* context, bool up);

  NetworkWatch() = default;
  ~NetworkWatch() { stop(); }
  NetworkWatch(const NetworkWatch&) = delete;
  NetworkWatch& operator=(const NetworkWatch&) = delete;

  /// Registers on the default event loop (esp_event_loop_create_default() must have run).
  esp_err_t start(Callback callback, void* context);
  /// Unregisters; safe twice. After it returns the callback is not running and will not run.
  void stop();

 private:
  static void on_event(void* self, esp_event_base_t base, int32_t id, void* data);

  Callback callback_ = nullptr;
  void* context_ = nullptr;
  esp_event_handler_instance_t wifi_down_ = nullptr;
  esp_event_handler_instance_t ip_up_ = nullptr;
  esp_event_handler_instance_t ip_down_ = nullptr;
};

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
