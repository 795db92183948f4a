#include "mqtt_setup/options.hpp"

#include <algorithm>
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

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// An IPv6 literal as RFC 4291 §2.2 writes it: up to eight groups of 1-4 hex digits, one "::" at
// most, optionally ending in dotted IPv4. Enough to tell "::1" from "host:1883:" or "::1:38884".
bool is_ipv6_literal(std::string_view text) {
  if (const auto percent = text.find('%'); percent != std::string_view::npos) {
    if (percent + 1 == text.size()) return false;  // a zone id names an interface
    text = text.substr(0, percent);
  }
  const auto gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos)
    return false;
  int groups = 0;
  bool ipv4_tail = false;
  std::size_t at = 0;
  while (at < text.size()) {
    if (gap != std::string_view::npos && at == gap) {
      at += 2;
      continue;
    }
    const auto end = std::min(text.find(':', at), text.size());
    const std::string_view group = text.substr(at, end - at);
    if (group.empty()) return false;  // a single ':' at the start or end
    if (end == text.size() && group.find('.') != std::string_view::npos) {
      ipv4_tail = true;  // "::ffff:192.0.2.1": checked loosely, the resolver has the last word
      for (const char c : group)
        if (c != '.' && (c < '0' || c > '9')) return false;
    } else {
      if (group.size() > 4) return false;
      for (const char c : group)
        if (!is_hex_digit(c)) return false;
    }
    ++groups;
    if (end == text.size() || end == gap) {
      at = end;  // the end, or the "::" the next round steps over
    } else {
      at = end + 1;
      if (at == text.size()) return false;  // a single ':' at the end
    }
  }
  const int capacity = ipv4_tail ? 7 : 8;
  return gap != std::string_view::npos ? groups < capacity : groups == capacity;
}

bool parse_one(std::string_view item, std::uint16_t default_port, bool alone, ServerAddress& out) {
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
    if (!alone || !is_ipv6_literal(item)) return false;
    out.host = std::string(item);
    return true;
  }
  out.host = std::string(item.substr(0, colon));
  if (out.host.empty()) return false;
  return colon == std::string_view::npos || parse_port(item.substr(colon + 1), out.port);
}

}  // namespace

std::vector<ServerAddress> parse_server_list(std::string_view list, std::uint16_t default_port,
                                             std::string* bad_entry) {
  std::vector<ServerAddress> servers;
  const bool alone = list.find(',') == std::string_view::npos;
  while (true) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    ServerAddress server;
    if (!parse_one(item, default_port, alone, server)) {
      if (bad_entry != nullptr) *bad_entry = std::string(item);
      return {};
    }
    servers.push_back(std::move(server));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return servers;
}

}  // namespace mqtt_setup
