// Topic mistakes are usage errors (exit 2) caught before connecting, with a message that names
// the offending argument, rather than a publish that fails after a connection was made.
#pragma once

#include <string_view>

namespace mqtt_setup::cli {

/// SUFFIX of send/pipe and --will-topic: the part after devices/{client_id}/. Throws UsageError
/// when empty or holding a wildcard (+ #), which a topic name may not [MQTT-3.3.2-2].
void check_topic_suffix(std::string_view suffix, std::string_view what);

/// A listen FILTER: + and # only as whole levels, # only last [MQTT-4.7.1-2], [MQTT-4.7.1-3].
void check_topic_filter(std::string_view filter);

/// -i: it becomes a topic level, so it may not be empty or hold wildcards or '/'.
void check_client_id(std::string_view client_id);

}  // namespace mqtt_setup::cli
