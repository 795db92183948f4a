// The entry points a client links: encode what a client sends, decode what a server sends.
// Each names only its own packet types, so the linker leaves out what only a server needs
// (CONNECT's decoder, CONNACK's and SUBACK's encoders: docs/size.md); the Packet variant's
// encode() and decode() for every type are in any_packet.cpp (mqtt_setup_codec_server).
#include <type_traits>

#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

template <class P>
constexpr bool kSentByClients = !std::is_same_v<P, Connack> && !std::is_same_v<P, Suback> &&
                                !std::is_same_v<P, Pingresp> &&
                                (kBuiltV5 || !std::is_same_v<P, Auth>);  // AUTH is 5.0's

}  // namespace

// ---- encoding, per type ----------------------------------------------------------------------

#define MQTT_SETUP_CLIENT_ENCODER(Type)                                                        \
  std::size_t encoded_size(const Type& packet, ProtocolVersion version) {                      \
    return detail::encoded_size_of(packet, version);                                           \
  }                                                                                            \
  Result<std::size_t, EncodeError> encode(const Type& packet, MutableBytes out,                \
                                          ProtocolVersion version) {                           \
    return detail::encode_packet(packet, out, version);                                        \
  }
MQTT_SETUP_CLIENT_ENCODER(Connect)
MQTT_SETUP_CLIENT_ENCODER(Publish)
MQTT_SETUP_CLIENT_ENCODER(Ack)
MQTT_SETUP_CLIENT_ENCODER(Subscribe)
MQTT_SETUP_CLIENT_ENCODER(Unsubscribe)
MQTT_SETUP_CLIENT_ENCODER(Pingreq)
MQTT_SETUP_CLIENT_ENCODER(Disconnect)
MQTT_SETUP_CLIENT_ENCODER(Auth)
#undef MQTT_SETUP_CLIENT_ENCODER

std::size_t encoded_size_to_server(const Packet& packet, ProtocolVersion version) {
  return detail::with_alternative(packet, [version](const auto& p) -> std::size_t {
    if constexpr (kSentByClients<std::decay_t<decltype(p)>>) {
      return detail::encoded_size_of(p, version);
    } else {
      return 0;
    }
  });
}

Result<std::size_t, EncodeError> encode_to_server(const Packet& packet, MutableBytes out,
                                                  ProtocolVersion version) {
  return detail::with_alternative(
      packet, [out, version](const auto& p) -> Result<std::size_t, EncodeError> {
        if constexpr (kSentByClients<std::decay_t<decltype(p)>>) {
          return detail::encode_packet(p, out, version);
        } else {
          return EncodeError::InvalidPacketType;
        }
      });
}

// ---- decoding, per direction -----------------------------------------------------------------

Result<Decoded, DecodeError> decode_from_server(Bytes in, const DecodeLimits& limits) {
  const auto whole = detail::whole_packet(in, limits);
  if (!whole) return whole.error();
  const Bytes body = whole->body;
  const ProtocolVersion v = limits.version;
  const PacketType type = whole->header.type;
  detail::DecodedPacket packet = DecodeError::UnknownPacketType;
  switch (type) {
    case PacketType::Connack: packet = detail::decode_connack(body, v); break;
    case PacketType::Publish: packet = detail::decode_publish(whole->header.flags, body, v); break;
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
    case PacketType::Unsuback: packet = detail::decode_ack(type, body, v); break;
    case PacketType::Suback: packet = detail::decode_suback(body, v); break;
    case PacketType::Pingresp: packet = Packet{Pingresp{}}; break;  // length 0: header check
    case PacketType::Disconnect: packet = detail::decode_disconnect(body, v); break;
    case PacketType::Auth: packet = detail::decode_auth(body, v); break;
    default: break;  // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ: only a client sends them
  }
  if (!packet) return packet.error();
  return Decoded{*packet, whole->header.packet_size()};
}

Result<Decoded, DecodeError> decode_from_client(Bytes in, const DecodeLimits& limits) {
  const auto whole = detail::whole_packet(in, limits);
  if (!whole) return whole.error();
  const Bytes body = whole->body;
  const ProtocolVersion v = limits.version;
  const PacketType type = whole->header.type;
  detail::DecodedPacket packet = DecodeError::UnknownPacketType;
  switch (type) {
    case PacketType::Connect: packet = detail::decode_connect(body); break;
    case PacketType::Publish: packet = detail::decode_publish(whole->header.flags, body, v); break;
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp: packet = detail::decode_ack(type, body, v); break;
    case PacketType::Subscribe: packet = detail::decode_subscribe(body, v); break;
    case PacketType::Unsubscribe: packet = detail::decode_unsubscribe(body, v); break;
    case PacketType::Pingreq: packet = Packet{Pingreq{}}; break;  // length 0: header check
    case PacketType::Disconnect: packet = detail::decode_disconnect(body, v); break;
    case PacketType::Auth: packet = detail::decode_auth(body, v); break;
    default: break;  // CONNACK, SUBACK, UNSUBACK, PINGRESP: only a server sends them
  }
  if (!packet) return packet.error();
  return Decoded{*packet, whole->header.packet_size()};
}

Result<Decoded, DecodeError> decode_request(Bytes in, const DecodeLimits& limits) {
  const auto whole = detail::whole_packet(in, limits);
  if (!whole) return whole.error();
  detail::DecodedPacket packet = DecodeError::UnknownPacketType;
  if (whole->header.type == PacketType::Subscribe) {
    packet = detail::decode_subscribe(whole->body, limits.version);
  } else if (whole->header.type == PacketType::Unsubscribe) {
    packet = detail::decode_unsubscribe(whole->body, limits.version);
  }
  if (!packet) return packet.error();
  return Decoded{*packet, whole->header.packet_size()};
}

}  // namespace mqtt_setup::codec
