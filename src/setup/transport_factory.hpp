// Picks the transport for the options: plain TCP, or TLS when Options::tls.enabled.
#pragma once

#include <memory>

#include "mqtt_setup/options.hpp"
#include "mqtt_setup/transport.hpp"

namespace mqtt_setup {

std::unique_ptr<Transport> make_transport(const TlsOptions& tls);

}  // namespace mqtt_setup
