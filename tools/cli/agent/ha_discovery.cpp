#include "ha_discovery.hpp"

#include "mqtt_setup/version.hpp"

namespace mqtt_setup::cli {

std::string ha_discovery_topic(const std::string& client_id, const ReadingKind& kind) {
  return "homeassistant/sensor/" + client_id + "_" + std::string(kind.name) + "/config";
}

Json ha_discovery_document(const DeviceTopics& device, const ReadingKind& kind) {
  Json document;
  document["name"] = std::string(kind.title);
  document["unique_id"] = device.client_id + "_" + std::string(kind.name);
  document["state_topic"] = device.state_prefix + std::string(kind.topic_suffix);
  if (!kind.unit.empty()) document["unit_of_measurement"] = std::string(kind.unit);
  if (!kind.device_class.empty()) document["device_class"] = std::string(kind.device_class);
  // Without a state class HA keeps no long-term statistics for a number.
  if (kind.numeric) document["state_class"] = "measurement";
  document["availability_topic"] = device.availability_topic;
  document["payload_available"] = device.payload_available;
  document["payload_not_available"] = device.payload_not_available;
  Json block;
  block["identifiers"] = Json::array({device.client_id});
  block["name"] = device.client_id;
  block["model"] = "mqtt-setup agent";
  block["manufacturer"] = "mqtt_setup";
  block["sw_version"] = kVersion;
  document["device"] = block;
  return document;
}

}  // namespace mqtt_setup::cli
