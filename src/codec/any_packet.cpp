// The Packet variant's encode() and decode(): every packet type in both directions, for the
// fake brokers, fuzzers and tests (mqtt_setup_codec_server). A client does not link these: a
// switch over every type keeps every type's code, CONNECT's decoder and CONNACK's and
// SUBACK's encoders included (docs/size.md).
#include "codec/wire.hpp"

namespace mqtt_setup::codec {

std::size_t encoded_size(const Packet& packet, ProtocolVersion version) {
  return detail::with_alternative(
      packet, [version](const auto& p) { return detail::encoded_size_of(p, version); });
}

Result<std::size_t, EncodeError> encode(const Packet& packet, MutableBytes out,
                                        ProtocolVersion version) {
  return detail::with_alternative(
      packet, [out, version](const auto& p) { return detail::encode_packet(p, out, version); });
}

Result<Decoded, DecodeError> decode(Bytes in, const DecodeLimits& limits) {
  const auto header = decode_fixed_header(in, limits);
  if (!header) return header.error();
  switch (header->type) {
    case PacketType::Connect:
    case PacketType::Subscribe:
    case PacketType::Unsubscribe:
    case PacketType::Pingreq: return decode_from_client(in, limits);
    default: return decode_from_server(in, limits);  // the rest goes both ways or to clients
  }
}

}  // namespace mqtt_setup::codec
