// The fixed header, [MQTT-2.2]: everything in it is checked as soon as its bytes are here, so
// a hostile length or a wrong flag is refused before the body is waited for.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace {

/// [MQTT-2.2.2-1], [MQTT-2.2.2-2]: the flags are fixed for every type but PUBLISH.
Result<void, DecodeError> check_flags(PacketType type, std::uint8_t flags) {
  switch (type) {
    case PacketType::Publish: {
      const unsigned qos = (flags >> 1) & 0x03U;
      if (qos == 3) return DecodeError::InvalidQoS;  // [MQTT-3.3.1-4]
      if (qos == 0 && (flags & 0x08U) != 0) {
        return DecodeError::InvalidFixedHeaderFlags;  // [MQTT-3.3.1-2]: no DUP at QoS 0
      }
      return {};
    }
    case PacketType::Pubrel:       // [MQTT-3.6.1-1]
    case PacketType::Subscribe:    // [MQTT-3.8.1-1]
    case PacketType::Unsubscribe:  // [MQTT-3.10.1-1]
      if (flags != 0x02) return DecodeError::InvalidFixedHeaderFlags;
      return {};
    default:
      if (flags != 0) return DecodeError::InvalidFixedHeaderFlags;  // [MQTT-2.2.2-2]
      return {};
  }
}

/// Packets whose length the spec fixes; anything else is refused without waiting for it.
/// 5.0 gives CONNACK, the acks and DISCONNECT properties, so only the pings stay fixed.
Result<void, DecodeError> check_fixed_length(PacketType type, std::size_t remaining_length,
                                             ProtocolVersion version) {
  std::size_t expected = 0;
  if (is_v5(version) && type != PacketType::Pingreq &&
      type != PacketType::Pingresp) {
    return {};
  }
  switch (type) {
    case PacketType::Connack:   // [MQTT-3.2.1]
    case PacketType::Puback:    // [MQTT-3.4.1]
    case PacketType::Pubrec:    // [MQTT-3.5.1]
    case PacketType::Pubrel:    // [MQTT-3.6.1]
    case PacketType::Pubcomp:   // [MQTT-3.7.1]
    case PacketType::Unsuback:  // [MQTT-3.11.1]
      expected = 2;
      break;
    case PacketType::Pingreq:     // [MQTT-3.12.1]
    case PacketType::Pingresp:    // [MQTT-3.13.1]
    case PacketType::Disconnect:  // [MQTT-3.14.1]
      expected = 0;
      break;
    default:
      return {};
  }
  if (remaining_length != expected) return DecodeError::LengthMismatch;
  return {};
}

}  // namespace

Result<FixedHeader, DecodeError> decode_fixed_header(Bytes in, const DecodeLimits& limits) {
  if (!is_built(limits.version)) return DecodeError::UnsupportedProtocolLevel;
  if (in.empty()) return DecodeError::Incomplete;
  const unsigned type = in[0] >> 4;
  // [MQTT-2.2.1]: 0 is reserved; 15 is reserved in 3.1.1 and AUTH in 5.0.
  if (type == 0 || (type == 15 && !is_v5(limits.version))) {
    return DecodeError::UnknownPacketType;
  }
  FixedHeader header;
  header.type = static_cast<PacketType>(type);
  header.flags = static_cast<std::uint8_t>(in[0] & 0x0F);
  if (auto flags = check_flags(header.type, header.flags); !flags) return flags.error();

  // [MQTT-2.2.3]: at most four length bytes, seven bits each, least significant first.
  std::size_t length = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (1 + i >= in.size()) {
      // Still partial, but the length can only grow: refuse an oversized packet now.
      if (2 + i + length > limits.max_packet_size) return DecodeError::PacketTooLarge;
      return DecodeError::Incomplete;
    }
    const std::uint8_t digit = in[1 + i];
    length |= static_cast<std::size_t>(digit & 0x7F) << (7 * i);
    if ((digit & 0x80) == 0) {
      header.remaining_length = length;
      header.header_size = 2 + i;
      if (header.packet_size() > limits.max_packet_size) return DecodeError::PacketTooLarge;
      if (auto fixed = check_fixed_length(header.type, length, limits.version); !fixed) return fixed.error();
      return header;
    }
  }
  return DecodeError::MalformedRemainingLength;  // a fifth length byte, [MQTT-2.2.3]
}

}  // namespace mqtt_setup::codec
