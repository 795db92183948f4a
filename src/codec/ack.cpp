// PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a fixed header and a packet identifier,
// [MQTT-3.4], [MQTT-3.5], [MQTT-3.6], [MQTT-3.7], [MQTT-3.11]. 5.0 adds a reason code and
// properties, both left out when they say nothing, and gives UNSUBACK a list of reason codes.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {
namespace {

bool is_ack_type(PacketType type) {
  switch (type) {
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
    case PacketType::Unsuback:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::uint8_t first_byte(const Ack& p) {
  const auto type = static_cast<unsigned>(p.type) << 4;
  // [MQTT-3.6.1-1]: PUBREL carries flags 0010.
  return static_cast<std::uint8_t>(p.type == PacketType::Pubrel ? type | 0x02U : type);
}

bool has_reason_list(const Ack& p) { return p.type == PacketType::Unsuback; }

/// [MQTT-3.4.2.1]: the reason code and properties may be left out when 0 and empty; a
/// non-zero code without properties is sent without the property length.
bool writes_reason_code(const Ack& p) { return p.reason_code != 0 || !p.properties.empty(); }

BodySize body_size(const Ack& p, ProtocolVersion v) {
  if (!is_ack_type(p.type)) return EncodeError::InvalidPacketType;
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  if (!is_v5(v)) return std::size_t{2};
  const BodySize props = properties_size(p.properties, place_of(p.type));
  if (!props) return props;
  if (has_reason_list(p)) {  // [MQTT-3.11.3]: one reason code per filter, at least one
    if (p.reason_codes.empty()) return EncodeError::EmptyFilterList;
    for (const std::uint8_t code : p.reason_codes) {
      if (!is_valid_reason_code(p.type, code)) return EncodeError::InvalidReasonCode;
    }
    if (p.reason_codes.size() > kMaxRemainingLength) return EncodeError::PacketTooLarge;
    return 2 + *props + p.reason_codes.size();
  }
  if (!is_valid_reason_code(p.type, p.reason_code)) return EncodeError::InvalidReasonCode;
  if (!writes_reason_code(p)) return std::size_t{2};
  return 3 + (p.properties.empty() ? 0 : *props);
}

void write_body(const Ack& p, ProtocolVersion v, Writer& w) {
  w.u16(p.packet_id);
  if (!is_v5(v)) return;
  if (has_reason_list(p)) {
    write_properties(p.properties, w);
    w.raw(p.reason_codes.data(), p.reason_codes.size());
  } else if (writes_reason_code(p)) {
    w.u8(p.reason_code);
    if (!p.properties.empty()) write_properties(p.properties, w);
  }
}

DecodedPacket decode_ack(PacketType type, Bytes body, ProtocolVersion v) {
  Ack ack{type, 0};
  Reader r{body};
  if (!r.u16(ack.packet_id)) return DecodeError::LengthMismatch;
  if (ack.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  if (!is_v5(v)) {
    if (!r.at_end()) return DecodeError::LengthMismatch;
    return Packet{ack};
  }
  if (type == PacketType::Unsuback) {
    auto props = read_properties(r, kInUnsuback);
    if (!props) return props.error();
    ack.properties = *props;
    ack.reason_codes = r.rest();
    if (ack.reason_codes.empty()) return DecodeError::EmptyFilterList;  // [MQTT-3.11.3]
    for (const std::uint8_t code : ack.reason_codes) {
      if (!is_valid_reason_code(type, code)) return DecodeError::InvalidReasonCode;
    }
    return Packet{ack};
  }
  if (r.at_end()) return Packet{ack};  // remaining length 2: success, [MQTT-3.4.2.1]
  r.u8(ack.reason_code);
  if (!is_valid_reason_code(type, ack.reason_code)) return DecodeError::InvalidReasonCode;
  if (!r.at_end()) {  // remaining length 3: no properties
    auto props = read_properties(r, place_of(type));
    if (!props) return props.error();
    ack.properties = *props;
    if (!r.at_end()) return DecodeError::LengthMismatch;
  }
  return Packet{ack};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
