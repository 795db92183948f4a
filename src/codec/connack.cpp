// CONNACK, [MQTT-3.2]. 5.0 widens the return code into a reason code and adds properties.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Connack&) { return 0x20; }

BodySize body_size(const Connack& p, ProtocolVersion v) {
  const auto code = static_cast<std::uint8_t>(p.return_code);
  // 3.1.1: any byte, so a test broker can send a reserved return code on purpose.
  if (!is_v5(v)) return std::size_t{2};
  if (!is_valid_reason_code(PacketType::Connack, code)) return EncodeError::InvalidReasonCode;
  const BodySize props = properties_size(p.properties, kInConnack);
  if (!props) return props;
  return 2 + *props;
}

void write_body(const Connack& p, ProtocolVersion v, Writer& w) {
  // [MQTT-3.2.2-4], [MQTT-3.2.2-6]: a refusal never claims a session.
  const bool session_present = p.session_present && p.return_code == ConnectReturnCode::Accepted;
  w.u8(session_present ? 0x01 : 0x00);
  w.u8(static_cast<std::uint8_t>(p.return_code));
  if (is_v5(v)) write_properties(p.properties, w);
}

DecodedPacket decode_connack(Bytes body, ProtocolVersion v) {
  Reader r{body};
  std::uint8_t flags = 0;
  std::uint8_t code = 0;
  if (!r.u8(flags) || !r.u8(code)) return DecodeError::LengthMismatch;
  if ((flags & 0xFE) != 0) return DecodeError::InvalidConnackFlags;  // [MQTT-3.2.2.1]: reserved
  Connack p;
  if (!is_v5(v)) {
    if (!r.at_end()) return DecodeError::LengthMismatch;
    if (code > static_cast<std::uint8_t>(ConnectReturnCode::NotAuthorized)) {
      return DecodeError::InvalidConnackReturnCode;  // [MQTT-3.2.2.3]: 6..255 are reserved
    }
  } else {
    if (!is_valid_reason_code(PacketType::Connack, code)) return DecodeError::InvalidReasonCode;
    auto props = read_properties(r, kInConnack);
    if (!props) return props.error();
    if (!r.at_end()) return DecodeError::LengthMismatch;
    p.properties = *props;
  }
  p.session_present = (flags & 0x01) != 0;
  p.return_code = static_cast<ConnectReturnCode>(code);
  if (p.session_present && p.return_code != ConnectReturnCode::Accepted) {
    return DecodeError::InvalidConnackFlags;  // [MQTT-3.2.2-4], [MQTT-3.2.2-6]
  }
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
