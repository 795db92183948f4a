// The --json lines. Keys keep the order docs/cli.md lists them in (ordered_json), so the output
// reads like the documentation. A payload that is not UTF-8 is given as "payload_base64",
// never altered; any other invalid byte string would be printed with U+FFFD rather than abort.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "mqtt_setup/mqtt_setup.hpp"

namespace mqtt_setup::cli {

using Json = nlohmann::ordered_json;

/// One line of JSON, never throwing on invalid UTF-8.
std::string to_json_line(const Json& object);

/// {"topic","payload","qos","retain"} ("payload_base64" for bytes that are not UTF-8), and
/// under 5.0 "properties" and "subscription_ids" when there are any: listen's line per message.
Json message_json(const Message& message);
/// 5.0 properties as an object: {"user_properties": [[k, v], ...], "content_type": ..., ...}.
Json properties_json(const codec::Properties& properties);

/// {"event": ...} for a connection state change; nothing for per-message events
/// (Delivered, Dropped), which the summary counts instead.
std::optional<Json> event_json(const ClientEvent& event);

/// pipe's final line: {"event":"summary","read":N,"delivered":N,"dropped":N}.
Json summary_json(std::uint64_t read, std::uint64_t delivered, std::uint64_t dropped);

}  // namespace mqtt_setup::cli
