// The seed's "Integration Patterns" on an ESP32: readings every N seconds, an emergency
// handler, commands/restart -> esp_restart(), commands/configuration -> the interval.
// The same program on a PC is examples/linux/sensor_node.cpp.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "esp_event.h"        // esp_event_loop_create_default, esp_event_handler_instance_register
#include "esp_log.h"
#include "esp_netif.h"        // esp_netif_init
#include "esp_random.h"       // esp_random
#include "esp_system.h"       // esp_restart
#include "esp_wifi.h"         // esp_wifi_init/set_mode/set_config/start/connect, esp_netif_create_default_wifi_sta
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "mqtt_setup/mqtt_setup.hpp"
#include "nvs_flash.h"        // nvs_flash_init, nvs_flash_erase

namespace {

constexpr const char* kTag = "sensor_node";
std::atomic<int> g_interval_s{CONFIG_EXAMPLE_INTERVAL_S};

// Keeps the station associated; mqtt_setup follows IP_EVENT_STA_GOT_IP itself.
void on_wifi_event(void*, esp_event_base_t, int32_t id, void*) {
  if (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED) esp_wifi_connect();
}

void start_wifi() {
  esp_err_t err = nvs_flash_init();  // Wi-Fi keeps its calibration in NVS
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    err = nvs_flash_init();
  }
  ESP_ERROR_CHECK(err);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&init));
  ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi_event,
                                                      nullptr, nullptr));
  wifi_config_t config{};
  std::strncpy(reinterpret_cast<char*>(config.sta.ssid), CONFIG_EXAMPLE_WIFI_SSID,
               sizeof config.sta.ssid - 1);
  std::strncpy(reinterpret_cast<char*>(config.sta.password), CONFIG_EXAMPLE_WIFI_PASSWORD,
               sizeof config.sta.password - 1);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &config));
  ESP_ERROR_CHECK(esp_wifi_start());
}

// Stand-ins for the seed's sensor classes; replace with real drivers.
double read_temperature() { return 21.0 + static_cast<double>(esp_random() % 40) / 10.0; }
int read_gas() { return 300 + static_cast<int>(esp_random() % 50); }
bool free_fall_detected() { return esp_random() % 1000 == 0; }
const char* gps_location() { return "52.5200,13.4050"; }
int heart_rate() { return 60 + static_cast<int>(esp_random() % 60); }

}  // namespace

extern "C" void app_main() {
  start_wifi();

  // The seed's three lines.
  static mqtt_setup::MQTTSetup mqtt{CONFIG_EXAMPLE_BROKER};
  auto publish = mqtt.setup_connection();  // returns even if the broker is not up yet
  ESP_LOGI(kTag, "device %s, connected: %s", mqtt.client_id().c_str(),
           mqtt.is_connected() ? "yes" : "not yet (retrying in the background)");

  mqtt.on_command("restart", [](std::string_view, const mqtt_setup::Message&) {
    ESP_LOGW(kTag, "restart requested");
    mqtt.flush(2000);  // let what is queued go out first
    esp_restart();
  });
  mqtt.on_command("configuration", [](std::string_view, const mqtt_setup::Message& m) {
    // {"interval": 30}: the number after "interval" is enough for this example.
    const std::string_view text = m.text();
    const auto key = text.find("interval");
    if (key == std::string_view::npos) return;
    const auto digits = text.find_first_of("0123456789", key);
    if (digits == std::string_view::npos) return;
    int value = 0;
    for (auto i = digits; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    if (value > 0) g_interval_s = value;
    ESP_LOGI(kTag, "interval now %d s", g_interval_s.load());
  });

  auto emergency_handler = [&publish] {
    publish("status/emergency", "free_fall_detected");
    publish("sensors/gps", gps_location());
    publish("sensors/pulse", heart_rate());
  };

  for (;;) {
    publish("sensors/temperature", read_temperature());
    publish("sensors/gas", read_gas());
    if (free_fall_detected()) emergency_handler();
    vTaskDelay(pdMS_TO_TICKS(1000 * g_interval_s.load()));
  }
}
