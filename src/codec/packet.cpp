// The Packet variant: dispatch to the file of each packet type. A switch on index() with
// get_if, because std::visit and std::get may throw bad_variant_access.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

enum Index : std::size_t {
  kConnect, kConnack, kPublish, kAck, kSubscribe, kSuback, kUnsubscribe,
  kPingreq, kPingresp, kDisconnect, kAuth,
};
static_assert(std::variant_size_v<Packet> == kAuth + 1, "a packet type without a case");

/// Calls `f` with the alternative held by `packet`.
template <class F>
auto with_alternative(const Packet& packet, F&& f) {
  switch (packet.index()) {
    case kConnect: return f(*std::get_if<kConnect>(&packet));
    case kConnack: return f(*std::get_if<kConnack>(&packet));
    case kPublish: return f(*std::get_if<kPublish>(&packet));
    case kAck: return f(*std::get_if<kAck>(&packet));
    case kSubscribe: return f(*std::get_if<kSubscribe>(&packet));
    case kSuback: return f(*std::get_if<kSuback>(&packet));
    case kUnsubscribe: return f(*std::get_if<kUnsubscribe>(&packet));
    case kPingreq: return f(*std::get_if<kPingreq>(&packet));
    case kPingresp: return f(*std::get_if<kPingresp>(&packet));
    case kDisconnect: return f(*std::get_if<kDisconnect>(&packet));
    default: return f(*std::get_if<kAuth>(&packet));  // never valueless: no throws here
  }
}

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
  return with_alternative(packet, [](const auto& p) { return type_of_alternative(p); });
}

std::size_t encoded_size(const Packet& packet, ProtocolVersion version) {
  return with_alternative(packet,
                          [version](const auto& p) { return detail::encoded_size_of(p, version); });
}

Result<std::size_t, EncodeError> encode(const Packet& packet, MutableBytes out,
                                        ProtocolVersion version) {
  return with_alternative(
      packet, [out, version](const auto& p) { return detail::encode_packet(p, out, version); });
}

Result<Decoded, DecodeError> decode(Bytes in, const DecodeLimits& limits) {
  const auto header = decode_fixed_header(in, limits);
  if (!header) return header.error();
  if (in.size() < header->packet_size()) return DecodeError::Incomplete;
  const Bytes body = in.subspan(header->header_size, header->remaining_length);

  const ProtocolVersion v = limits.version;
  detail::DecodedPacket packet = DecodeError::UnknownPacketType;
  switch (header->type) {
    case PacketType::Connect: packet = detail::decode_connect(body); break;
    case PacketType::Connack: packet = detail::decode_connack(body, v); break;
    case PacketType::Publish: packet = detail::decode_publish(header->flags, body, v); break;
    case PacketType::Puback:
    case PacketType::Pubrec:
    case PacketType::Pubrel:
    case PacketType::Pubcomp:
    case PacketType::Unsuback: packet = detail::decode_ack(header->type, body, v); break;
    case PacketType::Subscribe: packet = detail::decode_subscribe(body, v); break;
    case PacketType::Suback: packet = detail::decode_suback(body, v); break;
    case PacketType::Unsubscribe: packet = detail::decode_unsubscribe(body, v); break;
    // Their length (0) was checked with the fixed header.
    case PacketType::Pingreq: packet = Packet{Pingreq{}}; break;
    case PacketType::Pingresp: packet = Packet{Pingresp{}}; break;
    case PacketType::Disconnect: packet = detail::decode_disconnect(body, v); break;
    case PacketType::Auth: packet = detail::decode_auth(body, v); break;
  }
  if (!packet) return packet.error();
  return Decoded{*packet, header->packet_size()};
}

}  // namespace mqtt_setup::codec
