// What every user of the Packet variant needs: its type. The variant's encode() and decode()
// serve every packet type, servers' included, so they live apart (any_packet.cpp, in
// mqtt_setup_codec_server); a client goes through the entry points of client_packets.cpp.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

PacketType type_of_alternative(const Connect&) { return PacketType::Connect; }
PacketType type_of_alternative(const Connack&) { return PacketType::Connack; }
PacketType type_of_alternative(const Publish&) { return PacketType::Publish; }
PacketType type_of_alternative(const Ack& ack) { return ack.type; }
PacketType type_of_alternative(const Subscribe&) { return PacketType::Subscribe; }
PacketType type_of_alternative(const Suback&) { return PacketType::Suback; }
PacketType type_of_alternative(const Unsubscribe&) { return PacketType::Unsubscribe; }
PacketType type_of_alternative(const Pingreq&) { return PacketType::Pingreq; }
PacketType type_of_alternative(const Pingresp&) { return PacketType::Pingresp; }
PacketType type_of_alternative(const Disconnect&) { return PacketType::Disconnect; }
PacketType type_of_alternative(const Auth&) { return PacketType::Auth; }

}  // namespace

PacketType type_of(const Packet& packet) {
  return detail::with_alternative(packet, [](const auto& p) { return type_of_alternative(p); });
}

namespace detail {

Result<std::size_t, EncodeError> encode_measured(const BodySize& body, std::uint8_t first_byte,
                                                 MutableBytes out, BodyWriter write,
                                                 const void* packet, ProtocolVersion v) {
  if (!body) return body.error();
  const std::size_t total = packet_size_for(*body);
  if (total == 0) return EncodeError::PacketTooLarge;  // [MQTT-2.2.3]
  if (out.size() < total) return EncodeError::BufferTooSmall;
  Writer w{out.data()};
  w.u8(first_byte);
  w.remaining_length(*body);
  write(packet, v, w);
  return total;
}

Result<WholePacket, DecodeError> whole_packet(Bytes in, const DecodeLimits& limits) {
  const auto header = decode_fixed_header(in, limits);
  if (!header) return header.error();
  if (in.size() < header->packet_size()) return DecodeError::Incomplete;
  return WholePacket{*header, in.subspan(header->header_size, header->remaining_length)};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
