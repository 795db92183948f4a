#include "setup/subscription_routing.hpp"

namespace mqtt_setup {

std::string_view matching_filter(std::string_view filter) {
  constexpr std::string_view kShare = "$share/";
  if (filter.substr(0, kShare.size()) != kShare) return filter;
  // [MQTT-4.8.2]: $share/{ShareName}/{filter}; the share name has no '/'.
  const std::size_t slash = filter.find('/', kShare.size());
  return slash == std::string_view::npos ? std::string_view{} : filter.substr(slash + 1);
}

bool came_through(const Message& message, std::string_view filter, std::uint32_t id) {
  const codec::PropertyNumbers ids = message.subscription_ids();
  if (id != 0 && !ids.empty()) return ids.contains(id);
  const std::string_view f = matching_filter(filter);
  return !f.empty() && codec::topic_matches(f, message.topic);
}

}  // namespace mqtt_setup
