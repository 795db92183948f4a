#include "drop_counts.hpp"

#include <cstdio>
#include <vector>

#include "mqtt_setup/properties.hpp"

namespace mqtt_setup::cli {

void DropCounts::take_session(const SessionStats& stats) {
  expired = stats.expired;
  replaced = stats.replaced;
  refused = stats.refused;
  last_refusal = stats.last_refusal;
  too_large = stats.too_large;
  not_supported = stats.not_supported;
  const std::uint64_t named = expired + replaced + refused + too_large + not_supported;
  queue_full = stats.dropped > named ? stats.dropped - named : 0;
}

std::uint64_t DropCounts::total() const {
  return too_long + refused_locally + queue_full + expired + replaced + refused + too_large +
         not_supported;
}

std::string DropCounts::describe(std::size_t max_line_bytes) const {
  std::vector<std::string> parts;
  const auto add = [&parts](std::uint64_t count, const std::string& why) {
    if (count > 0) parts.push_back(std::to_string(count) + " " + why);
  };
  char code[8];
  std::snprintf(code, sizeof code, "0x%02X", static_cast<unsigned>(last_refusal));
  add(refused, "refused by the broker (" + std::string(codec::describe_reason_code(last_refusal)) +
                   ", " + code + ")");
  add(queue_full, "dropped because the queue was full while disconnected (see --queue)");
  add(too_long, "longer than --max-line (" + std::to_string(max_line_bytes) + " bytes)");
  add(expired, "expired before delivery (see --expiry)");
  add(replaced, "replaced by a newer message");
  add(too_large, "larger than the broker's maximum packet size");
  add(not_supported, "with a QoS or retain flag the broker no longer allows");
  add(refused_locally, "refused: " + last_local);
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

Json DropCounts::json() const {
  Json causes = Json::object();
  const auto add = [&causes](const char* key, std::uint64_t count) {
    if (count > 0) causes[key] = count;
  };
  add("refused_by_broker", refused);
  add("queue_full", queue_full);
  add("too_long", too_long);
  add("expired", expired);
  add("replaced", replaced);
  add("too_large_for_broker", too_large);
  add("not_supported_by_broker", not_supported);
  add("refused", refused_locally);
  return causes;
}

}  // namespace mqtt_setup::cli
