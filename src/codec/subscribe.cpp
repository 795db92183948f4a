// SUBSCRIBE, [MQTT-3.8].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Subscribe&) { return 0x82; }  // [MQTT-3.8.1-1]

BodySize body_size(const Subscribe& p) {
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const BodySize filters = filter_list_size(p.filters, /*with_qos=*/true);
  if (!filters) return filters;
  return 2 + *filters;
}

void write_body(const Subscribe& p, Writer& w) {
  w.u16(p.packet_id);
  write_filter_list(p.filters, /*with_qos=*/true, w);
}

DecodedPacket decode_subscribe(Bytes body) {
  Reader r{body};
  Subscribe p;
  if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
  if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const Bytes wire = r.rest();
  const auto count = check_filter_list(wire, /*with_qos=*/true);
  if (!count) return count.error();
  p.filters = FilterList{wire, true, *count};
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
