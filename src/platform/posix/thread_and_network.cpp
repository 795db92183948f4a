// The connection's thread and network events on POSIX hosts: a plain thread, and no network
// events (a Linux box keeps its routes; a broken link shows up as a failed send or keep-alive).
#if !defined(ESP_PLATFORM)

#include "mqtt_setup/platform.hpp"

namespace mqtt_setup::platform {

std::thread start_background_thread(void (*run)(void* context), void* context) {
  return std::thread(run, context);
}

std::unique_ptr<NetworkEvents> watch_network(void (*)(void* context, bool up), void*) {
  return nullptr;
}

}  // namespace mqtt_setup::platform

#endif  // !ESP_PLATFORM
