#include "json_output.hpp"

namespace mqtt_setup::cli {

std::string to_json_line(const Json& object) {
  return object.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json message_json(const Message& message) {
  Json line;
  line["topic"] = std::string(message.topic);
  line["payload"] = std::string(message.text());
  line["qos"] = static_cast<int>(message.qos);
  line["retain"] = message.retain;
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
