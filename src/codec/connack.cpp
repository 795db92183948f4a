// CONNACK, [MQTT-3.2].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Connack&) { return 0x20; }

BodySize body_size(const Connack&) { return std::size_t{2}; }

void write_body(const Connack& p, Writer& w) {
  // [MQTT-3.2.2-4]: a refusal never claims a session.
  const bool session_present = p.session_present && p.return_code == ConnectReturnCode::Accepted;
  w.u8(session_present ? 0x01 : 0x00);
  w.u8(static_cast<std::uint8_t>(p.return_code));
}

DecodedPacket decode_connack(Bytes body) {
  Reader r{body};
  std::uint8_t flags = 0;
  std::uint8_t code = 0;
  if (!r.u8(flags) || !r.u8(code) || !r.at_end()) return DecodeError::LengthMismatch;
  if ((flags & 0xFE) != 0) return DecodeError::InvalidConnackFlags;  // [MQTT-3.2.2.1]: reserved
  if (code > static_cast<std::uint8_t>(ConnectReturnCode::NotAuthorized)) {
    return DecodeError::InvalidConnackReturnCode;  // [MQTT-3.2.2.3]: 6..255 are reserved
  }
  Connack p;
  p.session_present = (flags & 0x01) != 0;
  p.return_code = static_cast<ConnectReturnCode>(code);
  if (p.session_present && p.return_code != ConnectReturnCode::Accepted) {
    return DecodeError::InvalidConnackFlags;  // [MQTT-3.2.2-4]
  }
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
