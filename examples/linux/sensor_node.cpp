// The seed's "Integration Patterns" on a PC: readings every few seconds, an emergency handler,
// and the commands/restart and commands/configuration topics.
//
//   sensor_node [SERVER] [COUNT] [INTERVAL_S]     (COUNT 0: run until Ctrl-C)
#include <mqtt_setup/mqtt_setup.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace {

std::atomic<bool> running{true};
std::atomic<int> interval_s{2};

// A real CPU temperature where the machine has one, else a plausible room temperature.
double read_temperature(int tick) {
  std::ifstream zone("/sys/class/thermal/thermal_zone0/temp");
  long millidegrees = 0;
  if (zone >> millidegrees) return static_cast<double>(millidegrees) / 1000.0;
  return std::round((22.0 + 1.5 * std::sin(tick / 5.0)) * 10.0) / 10.0;
}

double read_humidity(int tick) { return std::round((55.0 + 8.0 * std::cos(tick / 7.0)) * 10.0) / 10.0; }

}  // namespace

int main(int argc, char** argv) {
  const char* server = argc > 1 ? argv[1] : "localhost";
  const int count = argc > 2 ? std::atoi(argv[2]) : 0;
  if (argc > 3) interval_s = std::max(1, std::atoi(argv[3]));
  std::signal(SIGINT, [](int) { running = false; });
  std::signal(SIGTERM, [](int) { running = false; });

  // The seed's three lines.
  mqtt_setup::MQTTSetup mqtt{server};
  auto publish = mqtt.setup_connection();
  std::printf("device %s publishing to %s (connected: %s)\n", mqtt.client_id().c_str(), server,
              mqtt.is_connected() ? "yes" : "not yet, retrying in the background");

  mqtt.on_command("restart", [](std::string_view, const mqtt_setup::Message&) {
    std::printf("command: restart requested\n");
    running = false;
  });
  mqtt.on_command("configuration", [](std::string_view, const mqtt_setup::Message& m) {
    // {"interval": 5}: a real device would parse JSON; the number after "interval" is enough here.
    const std::string text(m.text());
    const auto key = text.find("interval");
    if (key != std::string::npos) {
      const auto digits = text.find_first_of("0123456789", key);
      if (digits != std::string::npos) interval_s = std::max(1, std::atoi(text.c_str() + digits));
    }
    std::printf("command: configuration %s -> interval %d s\n", text.c_str(), interval_s.load());
  });

  auto emergency = [&](const char* what) {
    publish("status/emergency", what);
    publish("sensors/gps", "52.5200,13.4050");
    publish("sensors/pulse", 120);
  };

  for (int tick = 0; running && (count == 0 || tick < count); ++tick) {
    const double temperature = read_temperature(tick);
    const bool sent = publish("sensors/temperature", temperature);
    publish("sensors/humidity", read_humidity(tick));
    publish("status/battery", 100 - tick % 100);
    std::printf("published sensors/temperature %.1f: %s\n", temperature,
                sent ? "sent" : "not sent (offline, queued)");
    std::fflush(stdout);
    if (temperature > 90.0) emergency("overheating");
    for (int i = 0; i < interval_s * 10 && running; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  mqtt.flush(5000);
  mqtt.disconnect();
  return 0;
}
