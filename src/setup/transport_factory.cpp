#include "setup/transport_factory.hpp"

#include "mqtt_setup/tcp_transport.hpp"

namespace mqtt_setup {

namespace {

// Until the TLS transport exists, a TLS request fails loudly instead of silently going plain.
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
};

}  // namespace

std::unique_ptr<Transport> make_transport(const TlsOptions& tls) {
  if (tls.enabled) return std::make_unique<UnavailableTls>();
  return std::make_unique<TcpTransport>();
}

}  // namespace mqtt_setup
