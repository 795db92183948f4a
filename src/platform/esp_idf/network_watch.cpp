#if defined(ESP_PLATFORM)

#include "network_watch.hpp"

#include "esp_netif_types.h"  // IP_EVENT, IP_EVENT_STA_GOT_IP, IP_EVENT_STA_LOST_IP: components/esp_netif/include/esp_netif_types.h
#include "esp_wifi_types.h"   // WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED: components/esp_wifi/include/esp_wifi_types{,_generic}.h

namespace mqtt_setup::platform::esp_idf {

// esp_event_handler_instance_register / _unregister: components/esp_event/include/esp_event.h
esp_err_t NetworkWatch::start(Callback callback, void* context) {
  stop();
  callback_ = callback;
  context_ = context;
  esp_err_t error = esp_event_handler_instance_register(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED,
                                                        &NetworkWatch::on_event, this, &wifi_down_);
  if (error == ESP_OK) {
    error = esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP,
                                                &NetworkWatch::on_event, this, &ip_up_);
  }
  if (error == ESP_OK) {
    error = esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_LOST_IP,
                                                &NetworkWatch::on_event, this, &ip_down_);
  }
  if (error != ESP_OK) stop();
  return error;
}

void NetworkWatch::stop() {
  // Unregistering waits for a running handler on the event loop task, so `this` stays valid.
  if (wifi_down_ != nullptr) {
    esp_event_handler_instance_unregister(WIFI_EVENT, WIFI_EVENT_STA_DISCONNECTED, wifi_down_);
  }
  if (ip_up_ != nullptr) esp_event_handler_instance_unregister(IP_EVENT, IP_EVENT_STA_GOT_IP, ip_up_);
  if (ip_down_ != nullptr) esp_event_handler_instance_unregister(IP_EVENT, IP_EVENT_STA_LOST_IP, ip_down_);
  wifi_down_ = ip_up_ = ip_down_ = nullptr;
}

void NetworkWatch::on_event(void* self, esp_event_base_t base, int32_t id, void*) {
  auto* watch = static_cast<NetworkWatch*>(self);
  if (watch->callback_ == nullptr) return;
  const bool up = base == IP_EVENT && id == IP_EVENT_STA_GOT_IP;
  watch->callback_(watch->context_, up);
}

}  // namespace mqtt_setup::platform::esp_idf

#endif  // ESP_PLATFORM
