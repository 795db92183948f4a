// PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a fixed header and a packet identifier,
// [MQTT-3.4], [MQTT-3.5], [MQTT-3.6], [MQTT-3.7], [MQTT-3.11].
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

BodySize body_size(const Ack& p) {
  if (!is_ack_type(p.type)) return EncodeError::InvalidPacketType;
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  return std::size_t{2};
}

void write_body(const Ack& p, Writer& w) { w.u16(p.packet_id); }

DecodedPacket decode_ack(PacketType type, Bytes body) {
  Ack ack{type, 0};
  Reader r{body};
  if (!r.u16(ack.packet_id) || !r.at_end()) return DecodeError::LengthMismatch;
  if (ack.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  return Packet{ack};
}

}  // namespace detail

Result<std::size_t, EncodeError> encode(const Ack& packet, MutableBytes out) {
  return detail::encode_packet(packet, out);
}

}  // namespace mqtt_setup::codec
