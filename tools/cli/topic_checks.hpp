// Topic mistakes are usage errors (exit 2) caught before connecting, with a message that names
// the offending argument, rather than a publish that fails after a connection was made.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqtt_setup::cli {

/// Every check throws UsageError naming the actual reason: empty, too long, not UTF-8, a NUL,
/// a control character or a Unicode non-character (brokers may close the connection on those),
/// a misplaced wildcard.

/// SUFFIX of send/pipe and --will-topic: the part after devices/{client_id}/ (`prefix_bytes`
/// long; 0 when not known yet), so no wildcard (+ #) [MQTT-3.3.2-2].
void check_topic_suffix(std::string_view suffix, std::string_view what,
                        std::size_t prefix_bytes = 0);

/// A listen FILTER: + and # only as whole levels, # only last [MQTT-4.7.1-2], [MQTT-4.7.1-3].
void check_topic_filter(std::string_view filter);

/// -i: it becomes a topic level, so it may not be empty or hold wildcards or '/'.
void check_client_id(std::string_view client_id);

}  // namespace mqtt_setup::cli
