// PUBLISH, [MQTT-3.3]. The hot path: one validating pass over the topic, then two copies.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Publish& p) {
  const auto qos = static_cast<unsigned>(p.qos);
  unsigned byte = 0x30U | (qos << 1);
  if (p.dup && qos != 0) byte |= 0x08U;  // [MQTT-3.3.1-2]: DUP is always 0 at QoS 0
  if (p.retain) byte |= 0x01U;
  return static_cast<std::uint8_t>(byte);
}

BodySize body_size(const Publish& p) {
  if (static_cast<unsigned>(p.qos) > 2) return EncodeError::InvalidQoS;  // [MQTT-3.3.1-4]
  const bool has_id = p.qos != QoS::AtMostOnce;
  if (has_id && p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const TextCheck topic = check_topic_name(p.topic);
  if (topic != TextCheck::Ok) return to_encode_error(topic, EncodeError::InvalidTopic);
  // Checked before adding, so the sum cannot wrap on a 32-bit target.
  if (p.payload.size() > kMaxRemainingLength) return EncodeError::PacketTooLarge;
  return 2 + p.topic.size() + (has_id ? 2 : 0) + p.payload.size();
}

void write_body(const Publish& p, Writer& w) {
  w.string(p.topic);
  if (p.qos != QoS::AtMostOnce) w.u16(p.packet_id);  // [MQTT-3.3.2.2]: only at QoS 1 and 2
  w.raw(p.payload.data(), p.payload.size());
}

DecodedPacket decode_publish(std::uint8_t flags, Bytes body) {
  Publish p;
  p.dup = (flags & 0x08) != 0;
  p.qos = static_cast<QoS>((flags >> 1) & 0x03);  // 3 was refused with the fixed header
  p.retain = (flags & 0x01) != 0;
  Reader r{body};
  if (!r.string(p.topic)) return DecodeError::LengthMismatch;
  const TextCheck topic = check_topic_name(p.topic);
  if (topic != TextCheck::Ok) return to_decode_error(topic, DecodeError::InvalidTopic);
  if (p.qos != QoS::AtMostOnce) {
    if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
    if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  }
  p.payload = r.rest();  // [MQTT-3.3.3]: the rest of the packet, possibly empty
  return Packet{p};
}

}  // namespace detail

std::size_t encoded_size(const Publish& packet) { return detail::encoded_size_of(packet); }

Result<std::size_t, EncodeError> encode(const Publish& packet, MutableBytes out) {
  return detail::encode_packet(packet, out);
}

}  // namespace mqtt_setup::codec
