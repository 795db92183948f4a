// Names and human sentences for logs and error messages.
#include "mqtt_setup/codec.hpp"

namespace mqtt_setup::codec {

std::string_view name_of(PacketType type) {
  switch (type) {
    case PacketType::Connect: return "CONNECT";
    case PacketType::Connack: return "CONNACK";
    case PacketType::Publish: return "PUBLISH";
    case PacketType::Puback: return "PUBACK";
    case PacketType::Pubrec: return "PUBREC";
    case PacketType::Pubrel: return "PUBREL";
    case PacketType::Pubcomp: return "PUBCOMP";
    case PacketType::Subscribe: return "SUBSCRIBE";
    case PacketType::Suback: return "SUBACK";
    case PacketType::Unsubscribe: return "UNSUBSCRIBE";
    case PacketType::Unsuback: return "UNSUBACK";
    case PacketType::Pingreq: return "PINGREQ";
    case PacketType::Pingresp: return "PINGRESP";
    case PacketType::Disconnect: return "DISCONNECT";
    case PacketType::Auth: return "AUTH";
  }
  return "UNKNOWN";  // a value cast from a byte the enum does not name
}

std::string_view describe(EncodeError error) {
  switch (error) {
    case EncodeError::BufferTooSmall: return "output buffer is too small for the packet";
    case EncodeError::PacketTooLarge: return "packet is larger than mqtt allows (256 mb)";
    case EncodeError::StringTooLong: return "string or binary field is longer than 65,535 bytes";
    case EncodeError::InvalidUtf8: return "string is not valid utf-8 or contains u+0000";
    case EncodeError::InvalidTopic: return "topic is empty or contains a wildcard (+ or #)";
    case EncodeError::InvalidTopicFilter: return "topic filter breaks the wildcard rules";
    case EncodeError::InvalidPacketId: return "packet identifier 0 where one is required";
    case EncodeError::InvalidQoS: return "qos is not 0, 1 or 2";
    case EncodeError::EmptyFilterList: return "subscribe or unsubscribe without topic filters";
    case EncodeError::PasswordWithoutUsername: return "password given without a user name";
    case EncodeError::InvalidPacketType: return "acknowledgement has a type that is not an ack";
    case EncodeError::InvalidProperty:
      return "a property is not allowed in this packet, repeated, malformed or out of range";
    case EncodeError::InvalidReasonCode: return "reason code is not one this packet can carry";
    case EncodeError::NotInThisVersion: return "not in this mqtt version, or the version is not built in";
    case EncodeError::AuthenticationDataWithoutMethod:
      return "authentication data without an authentication method: set the method too";
    case EncodeError::MissingAuthenticationMethod:
      return "auth packet without an authentication method: every auth must name the method";
  }
  return "unknown encode error";
}

std::string_view describe(DecodeError error) {
  switch (error) {
    case DecodeError::Incomplete: return "packet is incomplete, more bytes are needed";
    case DecodeError::MalformedRemainingLength: return "remaining length uses more than 4 bytes";
    case DecodeError::PacketTooLarge: return "packet is larger than the configured maximum";
    case DecodeError::UnknownPacketType: return "reserved packet type, or one not sent in this direction";
    case DecodeError::InvalidFixedHeaderFlags: return "reserved fixed header flags are wrong";
    case DecodeError::InvalidQoS: return "qos is 3";
    case DecodeError::InvalidPacketId: return "packet identifier is 0";
    case DecodeError::InvalidUtf8: return "string is not valid utf-8 or contains u+0000";
    case DecodeError::InvalidTopic: return "topic name is empty or contains a wildcard";
    case DecodeError::InvalidTopicFilter: return "topic filter breaks the wildcard rules";
    case DecodeError::LengthMismatch: return "fields do not add up to the remaining length";
    case DecodeError::InvalidProtocolName: return "connect protocol name is not mqtt";
    case DecodeError::UnsupportedProtocolLevel: return "protocol level is not 4 (3.1.1) or 5, or not built in";
    case DecodeError::InvalidConnectFlags: return "connect flags break the will or password rules";
    case DecodeError::InvalidConnackFlags: return "connack acknowledge flags are invalid";
    case DecodeError::InvalidConnackReturnCode: return "connack return code is above 5";
    case DecodeError::InvalidSubackReturnCode: return "suback return code is not 0, 1, 2 or 0x80";
    case DecodeError::EmptyFilterList: return "subscribe or unsubscribe has no topic filters";
    case DecodeError::InvalidSubscriptionOptions: return "reserved bits set in subscription options";
    case DecodeError::MalformedProperty: return "a property is malformed or unknown";
    case DecodeError::DuplicateProperty: return "a property that may appear once appears twice";
    case DecodeError::PropertyNotAllowed: return "a property is not allowed in this packet";
    case DecodeError::InvalidPropertyValue: return "a property has a value the spec forbids";
    case DecodeError::InvalidReasonCode: return "reason code is not one this packet can carry";
    case DecodeError::MissingTopic: return "publish has neither a topic nor a topic alias";
    case DecodeError::AuthenticationDataWithoutMethod:
      return "authentication data without an authentication method";
    case DecodeError::MissingAuthenticationMethod: return "auth packet without an authentication method";
  }
  return "unknown decode error";
}

}  // namespace mqtt_setup::codec
