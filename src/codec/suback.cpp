// SUBACK, [MQTT-3.9].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {
namespace {

/// [MQTT-3.9.3-2]: granted QoS 0, 1, 2 or failure 0x80; everything else is reserved.
bool is_valid_return_code(std::uint8_t code) { return code <= 2 || code == kSubackFailure; }

}  // namespace

std::uint8_t first_byte(const Suback&) { return 0x90; }

BodySize body_size(const Suback& p) {
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  // [MQTT-3.9.3-1]: one code per filter of the SUBSCRIBE, which has at least one.
  if (p.return_codes.empty()) return EncodeError::EmptyFilterList;
  for (const std::uint8_t code : p.return_codes) {
    if (!is_valid_return_code(code)) return EncodeError::InvalidQoS;
  }
  if (p.return_codes.size() > kMaxRemainingLength - 2) return EncodeError::PacketTooLarge;
  return 2 + p.return_codes.size();
}

void write_body(const Suback& p, Writer& w) {
  w.u16(p.packet_id);
  w.raw(p.return_codes.data(), p.return_codes.size());
}

DecodedPacket decode_suback(Bytes body) {
  Reader r{body};
  Suback p;
  if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
  if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  p.return_codes = r.rest();
  if (p.return_codes.empty()) return DecodeError::EmptyFilterList;  // [MQTT-3.9.3-1]
  for (const std::uint8_t code : p.return_codes) {
    if (!is_valid_return_code(code)) return DecodeError::InvalidSubackReturnCode;
  }
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
