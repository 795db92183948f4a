#include "mqtt_setup/options.hpp"

#include <charconv>

namespace mqtt_setup {

namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_one(std::string_view item, std::uint16_t default_port, ServerAddress& out) {
  out.port = default_port;
  if (item.empty()) return false;
  if (item.front() == '[') {  // [IPv6]:port
    const auto close = item.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    out.host = std::string(item.substr(1, close - 1));
    const auto rest = item.substr(close + 1);
    if (rest.empty()) return true;
    return rest.front() == ':' && parse_port(rest.substr(1), out.port);
  }
  const auto colon = item.rfind(':');
  if (colon != std::string_view::npos && item.find(':') != colon) {  // bare IPv6, no port
    out.host = std::string(item);
    return true;
  }
  out.host = std::string(item.substr(0, colon));
  if (out.host.empty()) return false;
  return colon == std::string_view::npos || parse_port(item.substr(colon + 1), out.port);
}

}  // namespace

std::vector<ServerAddress> parse_server_list(std::string_view list, std::uint16_t default_port) {
  std::vector<ServerAddress> servers;
  while (true) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    ServerAddress server;
    if (!parse_one(item, default_port, server)) return {};
    servers.push_back(std::move(server));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return servers;
}

}  // namespace mqtt_setup
