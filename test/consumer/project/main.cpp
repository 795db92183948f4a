// The seed's three lines, built against the installed package. Run with a server argument it
// publishes once; without one it only checks that everything links.
#include <mqtt_setup/mqtt_setup.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  std::printf("mqtt_setup %s\n", mqtt_setup::kVersion);
  if (argc < 2) return 0;
  mqtt_setup::MQTTSetup mqtt{argv[1]};
  auto sender = mqtt.setup_connection();
  const bool sent = sender("sensors/temperature", 23.5) && mqtt.flush(5000);
  std::printf("%s\n", sent ? "delivered" : "not delivered");
  return sent ? 0 : 1;
}
