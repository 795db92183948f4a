// Home Assistant MQTT discovery: one retained config document per reading under
// homeassistant/sensor/{client_id}_{reading}/config, so HA creates the entities by itself, ties
// them to one device, and greys them out when the agent's last will says "offline".
// https://www.home-assistant.io/integrations/sensor.mqtt/ (discovery, availability)
#pragma once

#include <string>

#include "../json_output.hpp"
#include "host_readings.hpp"

namespace mqtt_setup::cli {

/// Where the agent publishes, as HA needs to know it.
struct DeviceTopics {
  std::string client_id;
  std::string state_prefix;        // "devices/{client_id}/"
  std::string availability_topic;  // "devices/{client_id}/status/online"
  std::string payload_available = "online";
  std::string payload_not_available = "offline";
};

std::string ha_discovery_topic(const std::string& client_id, const ReadingKind& kind);

/// The config document; publishing an empty retained payload to the same topic removes it.
Json ha_discovery_document(const DeviceTopics& device, const ReadingKind& kind);

}  // namespace mqtt_setup::cli
