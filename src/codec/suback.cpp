// SUBACK, [MQTT-3.9]. 5.0 adds properties and widens the return codes into reason codes.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {
namespace {

/// [MQTT-3.9.3-2]: granted QoS 0, 1, 2 or failure 0x80; everything else is reserved.
bool is_valid_return_code(std::uint8_t code) { return code <= 2 || code == kSubackFailure; }

}  // namespace

std::uint8_t first_byte(const Suback&) { return 0x90; }

bool is_valid_code(std::uint8_t code, ProtocolVersion v) {
  return is_v5(v) ? is_valid_reason_code(PacketType::Suback, code)
                                  : is_valid_return_code(code);
}

BodySize body_size(const Suback& p, ProtocolVersion v) {
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  // [MQTT-3.9.3-1]: one code per filter of the SUBSCRIBE, which has at least one.
  if (p.return_codes.empty()) return EncodeError::EmptyFilterList;
  for (const std::uint8_t code : p.return_codes) {
    if (!is_valid_code(code, v)) {
      return is_v5(v) ? EncodeError::InvalidReasonCode : EncodeError::InvalidQoS;
    }
  }
  if (p.return_codes.size() > kMaxRemainingLength - 2) return EncodeError::PacketTooLarge;
  if (!is_v5(v)) return 2 + p.return_codes.size();
  const BodySize props = properties_size(p.properties, kInSuback);
  if (!props) return props;
  return 2 + *props + p.return_codes.size();
}

void write_body(const Suback& p, ProtocolVersion v, Writer& w) {
  w.u16(p.packet_id);
  if (is_v5(v)) write_properties(p.properties, w);
  w.raw(p.return_codes.data(), p.return_codes.size());
}

DecodedPacket decode_suback(Bytes body, ProtocolVersion v) {
  Reader r{body};
  Suback p;
  if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
  if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  if (is_v5(v)) {
    auto props = read_properties(r, kInSuback);
    if (!props) return props.error();
    p.properties = *props;
  }
  p.return_codes = r.rest();
  if (p.return_codes.empty()) return DecodeError::EmptyFilterList;  // [MQTT-3.9.3-1]
  for (const std::uint8_t code : p.return_codes) {
    if (!is_valid_code(code, v)) {
      return is_v5(v) ? DecodeError::InvalidReasonCode
                                      : DecodeError::InvalidSubackReturnCode;
    }
  }
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
