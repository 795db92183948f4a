// PUBLISH, [MQTT-3.3]. The hot path: one validating pass over the topic, then two copies.
// 5.0 adds properties after the packet identifier; with a topic alias the topic may be empty.
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

BodySize body_size(const Publish& p, ProtocolVersion v) {
  if (static_cast<unsigned>(p.qos) > 2) return EncodeError::InvalidQoS;  // [MQTT-3.3.1-4]
  const bool has_id = p.qos != QoS::AtMostOnce;
  if (has_id && p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  std::size_t props = 0;
  if (is_v5(v)) {
    const BodySize size = properties_size(p.properties, kInPublish);
    if (!size) return size;
    const std::size_t length = p.extra_properties.size() + p.properties.wire().size();
    props = remaining_length_size(length) + length;
  }
  // [MQTT-3.3.2-1], [MQTT-3.3.2.3.4]: under 5.0 a topic alias may stand for the topic.
  const bool aliased = props != 0 && p.topic.empty() &&
                       (p.properties.find(PropertyId::TopicAlias).has_value() ||
                        Properties{p.extra_properties}.find(PropertyId::TopicAlias).has_value());
  if (!aliased) {
    const TextCheck topic = check_topic_name(p.topic);
    if (topic != TextCheck::Ok) return to_encode_error(topic, EncodeError::InvalidTopic);
  }
  // Checked before adding, so the sum cannot wrap on a 32-bit target.
  if (p.payload.size() > kMaxRemainingLength) return EncodeError::PacketTooLarge;
  return 2 + p.topic.size() + (has_id ? 2 : 0) + props + p.payload.size();
}

void write_body(const Publish& p, ProtocolVersion v, Writer& w) {
  w.string(p.topic);
  if (p.qos != QoS::AtMostOnce) w.u16(p.packet_id);  // [MQTT-3.3.2.2]: only at QoS 1 and 2
  if (is_v5(v)) {  // [MQTT-3.3.2.3]
    const Bytes props = p.properties.wire();
    w.varint(p.extra_properties.size() + props.size());
    w.raw(p.extra_properties.data(), p.extra_properties.size());
    w.raw(props.data(), props.size());
  }
  w.raw(p.payload.data(), p.payload.size());
}

DecodedPacket decode_publish(std::uint8_t flags, Bytes body, ProtocolVersion v) {
  Publish p;
  p.dup = (flags & 0x08) != 0;
  p.qos = static_cast<QoS>((flags >> 1) & 0x03);  // 3 was refused with the fixed header
  p.retain = (flags & 0x01) != 0;
  Reader r{body};
  if (!r.string(p.topic)) return DecodeError::LengthMismatch;
  const bool may_be_aliased = is_v5(v) && p.topic.empty();
  if (!may_be_aliased) {
    const TextCheck topic = check_topic_name(p.topic);
    if (topic != TextCheck::Ok) return to_decode_error(topic, DecodeError::InvalidTopic);
  }
  if (p.qos != QoS::AtMostOnce) {
    if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
    if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  }
  if (is_v5(v)) {
    auto props = read_properties(r, kInPublish);
    if (!props) return props.error();
    p.properties = *props;
    if (may_be_aliased && !p.properties.find(PropertyId::TopicAlias)) {
      return DecodeError::MissingTopic;  // [MQTT-3.3.2-1]
    }
  }
  p.payload = r.rest();  // [MQTT-3.3.3]: the rest of the packet, possibly empty
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
