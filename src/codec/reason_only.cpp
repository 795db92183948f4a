// DISCONNECT [MQTT-3.14] and AUTH [MQTT-3.15]: under 3.1.1 DISCONNECT is a bare fixed header
// (AUTH does not exist); under 5.0 both carry a reason code and properties, left out when the
// code is 0 and there are none ([MQTT-3.14.2.1], [MQTT-3.15.2.1]).
#include "codec/wire.hpp"

namespace mqtt_setup::codec::detail {
namespace {

BodySize reason_body_size(PacketType type, std::uint8_t code, const Properties& properties) {
  if (!is_valid_reason_code(type, code)) return EncodeError::InvalidReasonCode;
  if (properties.empty()) return std::size_t{code == reason::kSuccess ? 0U : 1U};
  const BodySize props = properties_size(properties, place_of(type));
  if (!props) return props;
  return 1 + *props;
}

void write_reason_body(std::uint8_t code, const Properties& properties, Writer& w) {
  if (code == reason::kSuccess && properties.empty()) return;
  w.u8(code);
  if (!properties.empty()) write_properties(properties, w);
}

template <class P>
DecodedPacket decode_reason_body(PacketType type, Bytes body) {
  P p;
  Reader r{body};
  if (r.at_end()) return Packet{p};  // remaining length 0: success, no properties
  r.u8(p.reason_code);
  if (!is_valid_reason_code(type, p.reason_code)) return DecodeError::InvalidReasonCode;
  if (!r.at_end()) {  // remaining length 1: no property length, [MQTT-3.14.2.2.1]
    auto props = read_properties(r, place_of(type));
    if (!props) return props.error();
    p.properties = *props;
    if (!r.at_end()) return DecodeError::LengthMismatch;
  }
  return Packet{p};
}

}  // namespace

std::uint8_t first_byte(const Disconnect&) { return 0xE0; }

BodySize body_size(const Disconnect& p, ProtocolVersion v) {
  if (!is_v5(v)) return std::size_t{0};
  return reason_body_size(PacketType::Disconnect, p.reason_code, p.properties);
}

void write_body(const Disconnect& p, ProtocolVersion v, Writer& w) {
  if (is_v5(v)) write_reason_body(p.reason_code, p.properties, w);
}

DecodedPacket decode_disconnect(Bytes body, ProtocolVersion v) {
  if (!is_v5(v)) return Packet{Disconnect{}};  // length 0: fixed header check
  return decode_reason_body<Disconnect>(PacketType::Disconnect, body);
}

std::uint8_t first_byte(const Auth&) { return 0xF0; }

// 3.15.2.2.2: "It is a Protocol Error to omit the Authentication Method". AUTH exists only
// after a CONNECT that named a method, and [MQTT-4.12.0-5] makes every AUTH repeat it, so the
// short form of 3.15.2.1 (remaining length 0) is refused too.
namespace {
bool names_a_method(const Properties& properties) {
  return properties.find(PropertyId::AuthenticationMethod).has_value();
}
}  // namespace

BodySize body_size(const Auth& p, ProtocolVersion v) {
  if (!is_v5(v)) return EncodeError::NotInThisVersion;
  const BodySize size = reason_body_size(PacketType::Auth, p.reason_code, p.properties);
  if (size && !names_a_method(p.properties)) return EncodeError::MissingAuthenticationMethod;
  return size;
}

void write_body(const Auth& p, ProtocolVersion, Writer& w) {
  write_reason_body(p.reason_code, p.properties, w);
}

DecodedPacket decode_auth(Bytes body, ProtocolVersion v) {
  if (!is_v5(v)) return DecodeError::UnknownPacketType;  // refused by the fixed header already
  DecodedPacket packet = decode_reason_body<Auth>(PacketType::Auth, body);
  // get_if, not get: no exception path (and no abort()) in a build without exceptions.
  const Auth* auth = packet ? std::get_if<Auth>(&*packet) : nullptr;
  if (packet && (auth == nullptr || !names_a_method(auth->properties))) {
    return DecodeError::MissingAuthenticationMethod;
  }
  return packet;
}

}  // namespace mqtt_setup::codec::detail
