// Client-side packet reading for integration tests that speak raw MQTT through a Transport.
#pragma once

#include <chrono>
#include <optional>

#include "mqtt_setup/transport.hpp"
#include "raw_packets.hpp"

namespace mqtt_setup::test {

/// Receives until `buffer` holds a whole packet; nothing on timeout or a transport error.
std::optional<RawPacket> receive_packet(
    Transport& transport, PacketBuffer& buffer,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace mqtt_setup::test
