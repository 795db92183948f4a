// UNSUBSCRIBE, [MQTT-3.10].
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {

std::uint8_t first_byte(const Unsubscribe&) { return 0xA2; }  // [MQTT-3.10.1-1]

BodySize body_size(const Unsubscribe& p) {
  if (p.packet_id == 0) return EncodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const BodySize filters = filter_list_size(p.filters, /*with_qos=*/false);
  if (!filters) return filters;
  return 2 + *filters;
}

void write_body(const Unsubscribe& p, Writer& w) {
  w.u16(p.packet_id);
  write_filter_list(p.filters, /*with_qos=*/false, w);
}

DecodedPacket decode_unsubscribe(Bytes body) {
  Reader r{body};
  Unsubscribe p;
  if (!r.u16(p.packet_id)) return DecodeError::LengthMismatch;
  if (p.packet_id == 0) return DecodeError::InvalidPacketId;  // [MQTT-2.3.1-1]
  const Bytes wire = r.rest();
  const auto count = check_filter_list(wire, /*with_qos=*/false);
  if (!count) return count.error();
  p.filters = FilterList{wire, false, *count};
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
