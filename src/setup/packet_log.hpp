// The -v packet log: one line per packet sent or received. Never prints a password.
#pragma once

#include <string>

#include "mqtt_setup/codec.hpp"

namespace mqtt_setup {

/// "PUBLISH id=3 qos=1 retain=0 dup=0 topic=devices/x/a payload=4 bytes"
std::string describe_packet(const codec::Packet& packet);

/// Session::TraceFn: `context` is the MQTTSetup::Impl.
void log_packet(void* context, bool outgoing, const codec::Packet& packet);

}  // namespace mqtt_setup
