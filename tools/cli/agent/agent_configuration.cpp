#include "agent_configuration.hpp"

#include <algorithm>
#include <cmath>

#include "../connection_options.hpp"

namespace mqtt_setup::cli {
namespace {

using Rejected = ConfigurationRejected;

std::variant<double, Rejected> interval_from(const Json& value) {
  if (!value.is_number()) return Rejected{"\"interval\" must be a number of seconds"};
  const double seconds = value.get<double>();
  // Below 1 s a misconfigured fleet would flood the broker; above kMaxSeconds the timer
  // arithmetic overflows.
  if (!std::isfinite(seconds) || seconds < 1 || seconds > kMaxSeconds)
    return Rejected{"\"interval\" must be between 1 and " +
                    std::to_string(static_cast<long>(kMaxSeconds)) + " seconds"};
  return seconds;
}

std::variant<std::vector<std::string>, Rejected> readings_from(
    const Json& value, const std::vector<std::string>& known) {
  if (!value.is_array()) return Rejected{"\"readings\" must be an array of reading names"};
  std::vector<std::string> names;
  for (const Json& item : value) {
    if (!item.is_string()) return Rejected{"\"readings\" must hold only strings"};
    const auto name = item.get<std::string>();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Rejected{"unknown reading \"" + name + "\" (known here: " + list + ")"};
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::variant<codec::QoS, Rejected> qos_from(const Json& value) {
  if (!value.is_number_integer() || value.get<int>() < 0 || value.get<int>() > 2)
    return Rejected{"\"qos\" must be 0, 1 or 2"};
  return static_cast<codec::QoS>(value.get<int>());
}

}  // namespace

std::variant<AgentConfiguration, ConfigurationRejected> apply_configuration(
    const AgentConfiguration& current, std::string_view payload,
    const std::vector<std::string>& known_readings) {
  const Json document = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Rejected{"not valid JSON"};
  if (!document.is_object())
    return Rejected{"expected a JSON object, e.g. {\"interval\": 30}"};

  AgentConfiguration next = current;
  for (const auto& [key, value] : document.items()) {
    if (key == "interval") {
      auto parsed = interval_from(value);
      if (auto* rejected = std::get_if<Rejected>(&parsed)) return *rejected;
      next.interval_s = std::get<double>(parsed);
    } else if (key == "readings") {
      auto parsed = readings_from(value, known_readings);
      if (auto* rejected = std::get_if<Rejected>(&parsed)) return *rejected;
      next.readings = std::move(std::get<std::vector<std::string>>(parsed));
    } else if (key == "qos") {
      auto parsed = qos_from(value);
      if (auto* rejected = std::get_if<Rejected>(&parsed)) return *rejected;
      next.qos = std::get<codec::QoS>(parsed);
    } else {
      return Rejected{"unknown key \"" + key + "\" (known: interval, readings, qos)"};
    }
  }
  return next;
}

Json configuration_json(const AgentConfiguration& configuration) {
  Json object;
  object["interval"] = configuration.interval_s;
  object["readings"] = configuration.readings;
  object["qos"] = static_cast<int>(configuration.qos);
  return object;
}

}  // namespace mqtt_setup::cli
