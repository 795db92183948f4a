// Which of the client's subscriptions a received message came through, so that each
// subscription's handler gets its own messages and no others (MQTTSetup::subscribe with a
// handler). Private to the setup layer.
#pragma once

#include <cstdint>
#include <string_view>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup {

/// The filter a subscription matches topics with: a 5.0 shared subscription
/// "$share/GROUP/filter" matches with "filter" ([MQTT-4.8.2]); any other filter is itself.
std::string_view matching_filter(std::string_view filter);

/// Whether `message` came through the subscription to `filter` whose identifier is `id`
/// (0: none). By identifier when the message carries any and the subscription has one: a
/// broker names every matching subscription's identifier, in one copy or one per copy
/// ([MQTT-3.3.4-3] to [MQTT-3.3.4-5]), so a copy that does not name it came through another
/// subscription. Otherwise (3.1.1, a broker without identifiers) by matching the topic.
bool came_through(const Message& message, std::string_view filter, std::uint32_t id);

}  // namespace mqtt_setup
