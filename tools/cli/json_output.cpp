#include "json_output.hpp"

#include <algorithm>

#include "utf8.hpp"

namespace mqtt_setup::cli {

std::string to_json_line(const Json& object) {
  return object.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

std::string hex(codec::Bytes bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const std::uint8_t b : bytes) text.append({kDigits[b >> 4], kDigits[b & 0x0F]});
  return text;
}

// RFC 4648 §4, with padding.
std::string base64(codec::Bytes bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = std::uint32_t{bytes[i]} << 16;
    if (n > 1) group |= std::uint32_t{bytes[i + 1]} << 8;
    if (n > 2) group |= bytes[i + 2];
    text += kAlphabet[(group >> 18) & 0x3F];
    text += kAlphabet[(group >> 12) & 0x3F];
    text += n > 1 ? kAlphabet[(group >> 6) & 0x3F] : '=';
    text += n > 2 ? kAlphabet[group & 0x3F] : '=';
  }
  return text;
}

}  // namespace

Json properties_json(const codec::Properties& properties) {
  // Names as the spec writes them, with '_' for '-': "message_expiry_interval", ...
  Json json = Json::object();
  for (const codec::Property p : properties) {
    std::string name(codec::name_of(p.id));
    std::replace(name.begin(), name.end(), '-', '_');
    switch (codec::kind_of(p.id)) {
      case codec::PropertyKind::String: json[name] = std::string(p.text); break;
      case codec::PropertyKind::Binary: json[name + "_hex"] = hex(p.binary); break;
      case codec::PropertyKind::StringPair:  // repeatable, order kept: [[name, value], ...]
        json["user_properties"].push_back({std::string(p.text), std::string(p.value)});
        break;
      default:
        if (p.id == codec::PropertyId::SubscriptionIdentifier) {
          json["subscription_identifiers"].push_back(p.number);
        } else {
          json[name] = p.number;
        }
    }
  }
  return json;
}

Json message_json(const Message& message) {
  Json line;
  line["topic"] = std::string(message.topic);
  // Bytes that are not UTF-8 cannot be a JSON string without being altered: given as base64.
  if (is_valid_utf8(message.text()))
    line["payload"] = std::string(message.text());
  else
    line["payload_base64"] = base64(message.payload);
  line["qos"] = static_cast<int>(message.qos);
  line["retain"] = message.retain;
  if (!message.properties.empty()) line["properties"] = properties_json(message.properties);
  // 5.0: which of our subscriptions brought it (one copy may name several, [MQTT-3.3.4-3]).
  if (const auto ids = message.subscription_ids(); !ids.empty()) {
    Json list = Json::array();
    for (const std::uint32_t id : ids) list.push_back(id);
    line["subscription_ids"] = list;
  }
  return line;
}

std::optional<Json> event_json(const ClientEvent& event) {
  Json line;
  switch (event.kind) {
    case ClientEvent::Kind::Connecting:
      line["event"] = "connecting";
      line["server"] = std::string(event.server);
      break;
    case ClientEvent::Kind::Connected:
      line["event"] = "connected";
      line["server"] = std::string(event.server);
      line["session_present"] = event.session_present;
      break;
    case ClientEvent::Kind::ConnectFailed:
      line["event"] = "connect_failed";
      line["server"] = std::string(event.server);
      line["error"] = event.error.message();
      if (event.retry_in_ms > 0) line["retry_in_ms"] = event.retry_in_ms;
      break;
    case ClientEvent::Kind::Disconnected:
      line["event"] = "disconnected";
      if (!event.server.empty()) line["server"] = std::string(event.server);
      // No error: we asked for it (disconnect()).
      line["error"] = event.error ? Json(event.error.message()) : Json(nullptr);
      break;
    case ClientEvent::Kind::Subscribed:
      if (!event.refused) return std::nullopt;
      line["event"] = "subscription_refused";
      break;
    case ClientEvent::Kind::Delivered:
    case ClientEvent::Kind::Dropped:
    case ClientEvent::Kind::Written:
      return std::nullopt;
  }
  return line;
}

Json summary_json(std::uint64_t read, std::uint64_t delivered, std::uint64_t dropped) {
  Json line;
  line["event"] = "summary";
  line["read"] = read;
  line["delivered"] = delivered;
  line["dropped"] = dropped;
  return line;
}

}  // namespace mqtt_setup::cli
