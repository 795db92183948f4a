#include "auth_packets.hpp"

namespace mqtt_setup::test {
namespace {

void put_string(Bytes& out, std::uint8_t id, std::string_view s) {  // [MQTT-1.5.4], [MQTT-1.5.6]
  out.push_back(id);
  out.push_back(static_cast<std::uint8_t>(s.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
  out.insert(out.end(), s.begin(), s.end());
}

Bytes auth_properties(std::string_view method, std::string_view data) {
  Bytes props;
  if (!method.empty()) put_string(props, 0x15, method);
  if (!data.empty()) put_string(props, 0x16, data);
  return props;
}

/// Fixed header + `variable` (+ property length + properties).
Bytes packet(std::uint8_t first_byte, Bytes variable, const Bytes& props) {
  const Bytes props_length = encode_remaining_length(props.size());
  variable.insert(variable.end(), props_length.begin(), props_length.end());
  variable.insert(variable.end(), props.begin(), props.end());
  Bytes out{first_byte};
  const Bytes length = encode_remaining_length(variable.size());
  out.insert(out.end(), length.begin(), length.end());
  out.insert(out.end(), variable.begin(), variable.end());
  return out;
}

/// Reads a variable byte integer [MQTT-1.5.5]; false when it runs out.
bool read_varint(std::span<const std::uint8_t> in, std::size_t& at, std::size_t& value) {
  value = 0;
  for (unsigned shift = 0; shift < 28; shift += 7) {
    if (at >= in.size()) return false;
    const std::uint8_t b = in[at++];
    value |= static_cast<std::size_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

/// Walks the properties a CONNECT or AUTH may carry ([MQTT-3.1.2.11], [MQTT-3.15.2.2]).
bool read_properties(std::span<const std::uint8_t> props, AuthFields& out) {
  std::size_t at = 0;
  auto two = [&](std::size_t& n) {
    if (at + 2 > props.size()) return false;
    n = static_cast<std::size_t>(props[at] << 8 | props[at + 1]);
    at += 2;
    return true;
  };
  auto text = [&](std::string* into) {
    std::size_t n = 0;
    if (!two(n) || at + n > props.size()) return false;
    if (into != nullptr) into->assign(props.begin() + static_cast<long>(at), props.begin() + static_cast<long>(at + n));
    at += n;
    return true;
  };
  while (at < props.size()) {
    const std::uint8_t id = props[at++];
    std::string value;
    std::size_t skip = 0;
    switch (id) {
      case 0x15: if (!text(&value)) return false; out.method = value; break;
      case 0x16: if (!text(&value)) return false; out.data = value; break;
      case 0x1F: if (!text(nullptr)) return false; break;                       // reason string
      case 0x26: if (!text(nullptr) || !text(nullptr)) return false; break;     // user property
      case 0x11: case 0x27: skip = 4; break;  // session expiry, maximum packet size
      case 0x21: case 0x22: skip = 2; break;  // receive maximum, topic alias maximum
      case 0x17: case 0x19: skip = 1; break;  // request problem / response information
      default: return false;
    }
    if (at + skip > props.size()) return false;
    at += skip;
  }
  return true;
}

}  // namespace

Bytes auth(std::uint8_t reason_code, std::string_view method, std::string_view data) {
  return packet(0xF0, Bytes{reason_code}, auth_properties(method, data));
}

Bytes connack_v5(std::uint8_t reason_code, std::string_view method, std::string_view data) {
  return packet(0x20, Bytes{0x00, reason_code}, auth_properties(method, data));
}

std::optional<AuthFields> connect_auth_fields(const RawPacket& connect) {
  const auto body = connect.body();
  // "MQTT" (6), level, flags, keep alive (2), then the property length [MQTT-3.1.2].
  if (connect.type() != kConnect || body.size() < 11 || body[6] != 5) return std::nullopt;
  AuthFields out;
  out.username_flag = (body[7] & 0x80) != 0;
  out.password_flag = (body[7] & 0x40) != 0;
  std::size_t at = 10;
  std::size_t length = 0;
  if (!read_varint(body, at, length) || at + length > body.size()) return std::nullopt;
  if (!read_properties(body.subspan(at, length), out)) return std::nullopt;
  return out;
}

std::optional<AuthFields> auth_fields(const RawPacket& auth_packet) {
  const auto body = auth_packet.body();
  if (auth_packet.type() != kAuth || body.empty()) return std::nullopt;
  AuthFields out;
  out.reason_code = body[0];
  std::size_t at = 1;
  std::size_t length = 0;
  if (!read_varint(body, at, length) || at + length != body.size()) return std::nullopt;
  if (!read_properties(body.subspan(at, length), out)) return std::nullopt;
  return out;
}

}  // namespace mqtt_setup::test
