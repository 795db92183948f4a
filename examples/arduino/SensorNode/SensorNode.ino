// The seed's "Integration Patterns" on an ESP32 with the Arduino core (3.x: C++20):
// readings every N seconds, an emergency handler, commands/restart and commands/configuration.
// The same program with ESP-IDF is examples/esp_idf/sensor_node, on a PC examples/linux.
#include <WiFi.h>

#include <mqtt_setup.h>  // the IDE finds libraries by the headers at the top of their src/

const char* kSsid = "myssid";
const char* kPassword = "mypassword";
const char* kBroker = "192.168.1.100";  // or "a:1883,b:1883" for failover

mqtt_setup::MQTTSetup mqtt{kBroker};
mqtt_setup::Sender publish;
volatile unsigned long interval_ms = 10000;
unsigned long last_reading = 0;

// Stand-ins for the seed's sensor classes; replace with real drivers.
float readTemperature() { return 21.0f + static_cast<float>(random(40)) / 10.0f; }
int readGas() { return 300 + static_cast<int>(random(50)); }
bool freeFallDetected() { return random(1000) == 0; }

void emergencyHandler() {
  publish("status/emergency", "free_fall_detected");
  publish("sensors/gps", "52.5200,13.4050");
  publish("sensors/pulse", 60 + static_cast<int>(random(60)));
}

void setup() {
  Serial.begin(115200);
  WiFi.mode(WIFI_STA);
  WiFi.begin(kSsid, kPassword);
  for (int i = 0; i < 40 && WiFi.status() != WL_CONNECTED; ++i) delay(250);

  publish = mqtt.setup_connection();  // keeps retrying in the background if this fails
  Serial.printf("device %s, connected: %s\n", mqtt.client_id().c_str(),
                mqtt.is_connected() ? "yes" : "not yet");

  mqtt.on_command("restart", [](std::string_view, const mqtt_setup::Message&) {
    mqtt.flush(2000);
    ESP.restart();
  });
  mqtt.on_command("configuration", [](std::string_view, const mqtt_setup::Message& m) {
    // {"interval": 30}: the number after "interval", in seconds.
    const std::string_view text = m.text();
    const auto key = text.find("interval");
    if (key == std::string_view::npos) return;
    unsigned long seconds = 0;
    for (auto i = text.find_first_of("0123456789", key);
         i != std::string_view::npos && i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      seconds = seconds * 10 + static_cast<unsigned long>(text[i] - '0');
    }
    if (seconds > 0) interval_ms = seconds * 1000;
  });
}

void loop() {
  if (millis() - last_reading >= interval_ms) {
    last_reading = millis();
    publish("sensors/temperature", readTemperature());
    publish("sensors/gas", readGas());
  }
  if (freeFallDetected()) emergencyHandler();
  delay(10);
}
