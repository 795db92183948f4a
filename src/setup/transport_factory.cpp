#include "setup/transport_factory.hpp"

#include "mqtt_setup/tcp_transport.hpp"
// CMake defines MQTT_SETUP_HAS_TLS when it builds the TLS transport. The Arduino IDE and
// PlatformIO read no CMake: they compile all of src/, src/transport/tls_*.cpp included, against
// the ESP32 core's mbedTLS, and define ESP_PLATFORM.
#if defined(MQTT_SETUP_HAS_TLS) || defined(ESP_PLATFORM)
#include "mqtt_setup/tls_transport.hpp"
#endif

namespace mqtt_setup {

namespace {

#if !defined(MQTT_SETUP_HAS_TLS) && !defined(ESP_PLATFORM)
// Built without mbedTLS (MQTT_SETUP_TLS=OFF): a TLS request fails loudly instead of silently
// going plain.
class UnavailableTls final : public Transport {
 public:
  Result<void, TransportError> connect(std::string_view, std::uint16_t, std::uint32_t) override {
    return TransportError::TlsConfig;
  }
  Result<void, TransportError> send(std::span<const std::uint8_t>) override {
    return TransportError::NotConnected;
  }
  Result<std::size_t, TransportError> receive(std::span<std::uint8_t>, std::uint32_t) override {
    return TransportError::NotConnected;
  }
  void close() override {}
  bool is_open() const override { return false; }
  int native_handle() const override { return -1; }
  std::string_view last_error_detail() const override {
    return "this build of mqtt_setup has no TLS (configured with MQTT_SETUP_TLS=OFF or "
           "without mbedTLS)";
  }
};
#endif

}  // namespace

std::unique_ptr<Transport> make_transport(const TlsOptions& tls) {
  if (tls.enabled) {
#if defined(MQTT_SETUP_HAS_TLS) || defined(ESP_PLATFORM)
    return std::make_unique<TlsTransport>(tls);
#else
    return std::make_unique<UnavailableTls>();
#endif
  }
  return std::make_unique<TcpTransport>();
}

}  // namespace mqtt_setup
