// What commands/configuration may change while the agent runs: how often it reports, what,
// and at which QoS. The fleet's simulated devices answer the same documents with the same
// rules, so one parser serves both.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../json_output.hpp"
#include "mqtt_setup/codec.hpp"

namespace mqtt_setup::cli {

struct AgentConfiguration {
  double interval_s = 60;
  std::vector<std::string> readings;  // names of reading kinds (host_readings.hpp)
  codec::QoS qos = codec::QoS::AtMostOnce;
};

/// Why a configuration document was refused, in words for status/configuration.
struct ConfigurationRejected {
  std::string reason;
};

/// `payload` must be a JSON object with only the keys "interval" (seconds > 0), "readings"
/// (array of names, each one of `known_readings`) and "qos" (0, 1, 2); absent keys keep their
/// current value. Any mistake rejects the whole document: nothing is half-applied.
std::variant<AgentConfiguration, ConfigurationRejected> apply_configuration(
    const AgentConfiguration& current, std::string_view payload,
    const std::vector<std::string>& known_readings);

/// {"interval":S,"readings":[...],"qos":N}: what status/configuration reports.
Json configuration_json(const AgentConfiguration& configuration);

}  // namespace mqtt_setup::cli
