// The packet-level rules of 5.0 properties, [MQTT-2.2.2.2]: each property only in the packets
// the spec lists for it, at most once unless repeatable, values in range, strings UTF-8.
// The same check runs when encoding (so we never send what a broker must refuse) and when
// decoding (so the layers above can trust what they read).
#include "codec/wire.hpp"

namespace mqtt_setup::codec::detail {

PropertyPlace place_of(PacketType type) {
  switch (type) {
    case PacketType::Connect: return kInConnect;
    case PacketType::Connack: return kInConnack;
    case PacketType::Publish: return kInPublish;
    case PacketType::Puback: return kInPuback;
    case PacketType::Pubrec: return kInPubrec;
    case PacketType::Pubrel: return kInPubrel;
    case PacketType::Pubcomp: return kInPubcomp;
    case PacketType::Subscribe: return kInSubscribe;
    case PacketType::Suback: return kInSuback;
    case PacketType::Unsubscribe: return kInUnsubscribe;
    case PacketType::Unsuback: return kInUnsuback;
    case PacketType::Disconnect: return kInDisconnect;
    case PacketType::Auth: return kInAuth;
    default: return static_cast<PropertyPlace>(0);  // PINGREQ, PINGRESP: none anywhere
  }
}

Result<void, DecodeError> check_properties(Bytes wire, PropertyPlace place) {
  std::uint64_t seen = 0;  // identifiers are below 64
  std::size_t offset = 0;
  while (offset < wire.size()) {
    Property p;
    const std::size_t next = parse_property(wire, offset, p);
    if (next == 0) return DecodeError::MalformedProperty;
    offset = next;
    const PropertyRule& rule = *rule_of(static_cast<std::uint8_t>(p.id));
    if ((rule.places & place) == 0) return DecodeError::PropertyNotAllowed;
    const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(p.id);
    // [MQTT-3.8.2.1.2]: SUBSCRIBE carries one subscription identifier; PUBLISH may carry many.
    const bool repeatable = rule.repeatable && !(p.id == PropertyId::SubscriptionIdentifier &&
                                                 place == kInSubscribe);
    if ((seen & bit) != 0 && !repeatable) return DecodeError::DuplicateProperty;
    seen |= bit;
    switch (rule.kind) {
      case PropertyKind::String:
        if (check_utf8(p.text) != TextCheck::Ok) return DecodeError::MalformedProperty;
        // [MQTT-3.3.2-14]: a response topic is a topic name, no wildcards.
        if (p.id == PropertyId::ResponseTopic && !is_valid_topic_name(p.text)) {
          return DecodeError::InvalidPropertyValue;
        }
        break;
      case PropertyKind::StringPair:
        if (check_utf8(p.text) != TextCheck::Ok || check_utf8(p.value) != TextCheck::Ok) {
          return DecodeError::MalformedProperty;
        }
        break;
      case PropertyKind::Binary:
        break;
      default:
        if (p.number > max_value_of(rule.kind) || (p.number == 0 && rule.zero_is_invalid)) {
          return DecodeError::InvalidPropertyValue;
        }
    }
  }
  // "It is a Protocol Error to include Authentication Data if there is no Authentication
  // Method": CONNECT 3.1.2.11.10, CONNACK 3.2.2.3.18, AUTH 3.15.2.2.3.
  const auto has = [seen](PropertyId id) {
    return (seen & (std::uint64_t{1} << static_cast<unsigned>(id))) != 0;
  };
  if (has(PropertyId::AuthenticationData) && !has(PropertyId::AuthenticationMethod)) {
    return DecodeError::AuthenticationDataWithoutMethod;
  }
  return {};
}

BodySize properties_size(const Properties& properties, PropertyPlace place) {
  const Bytes wire = properties.wire();
  if (auto ok = check_properties(wire, place); !ok) {
    return ok.error() == DecodeError::AuthenticationDataWithoutMethod
               ? EncodeError::AuthenticationDataWithoutMethod
               : EncodeError::InvalidProperty;
  }
  if (wire.size() > kMaxRemainingLength) return EncodeError::PacketTooLarge;
  return remaining_length_size(wire.size()) + wire.size();
}

void write_properties(const Properties& properties, Writer& w) {
  const Bytes wire = properties.wire();
  w.varint(wire.size());
  w.raw(wire.data(), wire.size());
}

Result<Properties, DecodeError> read_properties(Reader& r, PropertyPlace place) {
  std::uint32_t length = 0;
  bool malformed = false;
  if (!r.varint(length, malformed)) {
    return malformed ? DecodeError::MalformedProperty : DecodeError::LengthMismatch;
  }
  if (length > r.left()) return DecodeError::LengthMismatch;
  const Bytes wire = r.take(length);
  if (auto ok = check_properties(wire, place); !ok) return ok.error();
  return Properties{wire};
}

}  // namespace mqtt_setup::codec::detail
