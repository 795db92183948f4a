#include "broker_port.hpp"

#include <signal.h>

#include <cstdio>
#include <cstdlib>

namespace mqtt_setup::test {
namespace {

long read_number(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return 0;
  long value = 0;
  if (std::fscanf(file, "%ld", &value) != 1) value = 0;
  std::fclose(file);
  return value;
}

}  // namespace

std::string broker_dir() {
  const char* dir = std::getenv("MQTT_SETUP_TEST_BROKER_DIR");
  return dir != nullptr && *dir != '\0' ? dir : MQTT_SETUP_TEST_BROKER_DIR_DEFAULT;
}

std::uint16_t broker_port(const char* name) {
  const std::string base = broker_dir() + "/" + name;
  const long port = read_number(base + ".port");
  const long pid = read_number(base + ".pid");
  // A port file left by a broker that died would send the test to whatever took the port.
  if (port <= 0 || port > 65535 || pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) return 0;
  return static_cast<std::uint16_t>(port);
}

}  // namespace mqtt_setup::test
