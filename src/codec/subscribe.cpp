// SUBSCRIBE, [MQTT-3.8].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Subscribe&) { return 0x82; }  // [MQTT-3.8.1-1]

BodySize body_size(const Subscribe& p, ProtocolVersion v) {
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const BodySize filters = filter_list_size(p.filters, is_v5(v) ? FilterOptions::Options5 : FilterOptions::QoS311);
  if (!filters) return filters;
  if (!is_v5(v)) return 2 + *filters;
  const BodySize props = properties_size(p.properties, kInSubscribe);
  if (!props) return props;
  return 2 + *props + *filters;
}

void write_body(const Subscribe& p, ProtocolVersion v, Writer& w) {
  w.u16(p.packet_id);
  if (is_v5(v)) write_properties(p.properties, w);
  write_filter_list(p.filters, is_v5(v) ? FilterOptions::Options5 : FilterOptions::QoS311, w);
}

DecodedPacket decode_subscribe(Bytes body, ProtocolVersion v) {
  Reader r{body};
  Subscribe p;
  if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
  if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  if (is_v5(v)) {
    auto props = read_properties(r, kInSubscribe);
    if (!props) return props.error();
    p.properties = *props;
  }
  const Bytes wire = r.rest();
  const auto count = check_filter_list(wire, is_v5(v) ? FilterOptions::Options5 : FilterOptions::QoS311);
  if (!count) return count.error();
  p.filters = FilterList{wire, true, *count};
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
