// CONNECT, [MQTT-3.1]. Its own field Connect::version picks the layout: 5.0 adds properties
// after the keep-alive and before the will topic, and allows a password without user name.
#include "codec/wire.hpp"

namespace mqtt_setup::codec {
namespace detail {
namespace {

constexpr std::string_view kProtocolName = "MQTT";  // [MQTT-3.1.2-1]
constexpr std::size_t kVariableHeaderSize = 10;     // name (2 + 4), level, flags, keep alive

// Connect flags, [MQTT-3.1.2.3]
constexpr unsigned kReserved = 0x01;
constexpr unsigned kCleanSession = 0x02;
constexpr unsigned kWillFlag = 0x04;
constexpr unsigned kWillQoSShift = 3;
constexpr unsigned kWillRetain = 0x20;
constexpr unsigned kPasswordFlag = 0x40;
constexpr unsigned kUsernameFlag = 0x80;

}  // namespace

std::uint8_t first_byte(const Connect&) { return 0x10; }

BodySize body_size(const Connect& p, ProtocolVersion) {
  if (!is_built(p.version)) return EncodeError::NotInThisVersion;
  const bool v5 = is_v5(p.version);
  if (!v5 && p.password && !p.username) {
    return EncodeError::PasswordWithoutUsername;  // [MQTT-3.1.2-22]; 5.0 dropped the rule
  }
  std::size_t size = kVariableHeaderSize;
  if (v5) {
    const BodySize props = properties_size(p.properties, kInConnect);
    if (!props) return props;
    size += *props;
  }
  // [MQTT-3.1.3-4]: the client id is a UTF-8 string. An empty one is allowed [MQTT-3.1.3-6];
  // whether the server accepts it without clean session is the server's answer (code 2).
  TextCheck text = check_utf8(p.client_id);
  if (text != TextCheck::Ok) return to_encode_error(text, EncodeError::InvalidUtf8);
  size += 2 + p.client_id.size();
  if (p.will) {
    if (static_cast<unsigned>(p.will->qos) > 2) return EncodeError::InvalidQoS;  // [MQTT-3.1.2-14]
    // [MQTT-3.1.3-10]; the will is published as is, so it must be a valid topic name too.
    text = check_topic_name(p.will->topic);
    if (text != TextCheck::Ok) return to_encode_error(text, EncodeError::InvalidTopic);
    if (p.will->payload.size() > kMaxStringLength) return EncodeError::StringTooLong;
    size += 2 + p.will->topic.size() + 2 + p.will->payload.size();
    if (v5) {
      const BodySize props = properties_size(p.will->properties, kInWill);
      if (!props) return props;
      size += *props;
    }
  }
  if (p.username) {
    text = check_utf8(*p.username);  // [MQTT-3.1.3-11]
    if (text != TextCheck::Ok) return to_encode_error(text, EncodeError::InvalidUtf8);
    size += 2 + p.username->size();
  }
  if (p.password) {
    if (p.password->size() > kMaxStringLength) return EncodeError::StringTooLong;
    size += 2 + p.password->size();
  }
  return size;
}

void write_body(const Connect& p, ProtocolVersion, Writer& w) {
  const bool v5 = is_v5(p.version);
  unsigned flags = p.clean_session ? kCleanSession : 0;
  if (p.will) {
    flags |= kWillFlag | (static_cast<unsigned>(p.will->qos) << kWillQoSShift);
    if (p.will->retain) flags |= kWillRetain;
  }
  if (p.username) flags |= kUsernameFlag;
  if (p.password) flags |= kPasswordFlag;

  w.string(kProtocolName);
  w.u8(static_cast<std::uint8_t>(p.version));  // [MQTT-3.1.2-2]
  w.u8(static_cast<std::uint8_t>(flags));
  w.u16(p.keep_alive_s);
  if (v5) write_properties(p.properties, w);  // [MQTT-3.1.2.11]
  // [MQTT-3.1.3-1]: client id, will topic, will message, user name, password, in this order.
  w.string(p.client_id);
  if (p.will) {
    if (v5) write_properties(p.will->properties, w);  // [MQTT-3.1.3.2]
    w.string(p.will->topic);
    w.binary(p.will->payload);
  }
  if (p.username) w.string(*p.username);
  if (p.password) w.binary(*p.password);
}

DecodedPacket decode_connect(Bytes body) {
  Reader r{body};
  std::string_view name;
  if (!r.string(name)) return DecodeError::LengthMismatch;
  if (name != kProtocolName) return DecodeError::InvalidProtocolName;  // [MQTT-3.1.2-1]
  std::uint8_t level = 0;
  if (!r.u8(level)) return DecodeError::LengthMismatch;
  // [MQTT-3.1.2-2]: checked before anything after it, whose layout other levels change, so a
  // server can answer return code 1 to any client that speaks another version.
  if ((level != static_cast<std::uint8_t>(ProtocolVersion::V311) &&
       level != static_cast<std::uint8_t>(ProtocolVersion::V5)) ||
      !is_built(static_cast<ProtocolVersion>(level))) {
    return DecodeError::UnsupportedProtocolLevel;
  }

  std::uint8_t flags = 0;
  Connect p;
  p.version = static_cast<ProtocolVersion>(level);
  const bool v5 = is_v5(p.version);
  if (!r.u8(flags) || !r.u16(p.keep_alive_s)) return DecodeError::LengthMismatch;
  if ((flags & kReserved) != 0) return DecodeError::InvalidConnectFlags;  // [MQTT-3.1.2-3]
  const unsigned will_qos = (flags >> kWillQoSShift) & 0x03U;
  const bool has_will = (flags & kWillFlag) != 0;
  if (!has_will && (will_qos != 0 || (flags & kWillRetain) != 0)) {
    return DecodeError::InvalidConnectFlags;  // [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15]
  }
  if (will_qos == 3) return DecodeError::InvalidQoS;  // [MQTT-3.1.2-14]
  const bool has_username = (flags & kUsernameFlag) != 0;
  const bool has_password = (flags & kPasswordFlag) != 0;
  if (!v5 && has_password && !has_username) {
    return DecodeError::InvalidConnectFlags;  // [MQTT-3.1.2-22]
  }
  p.clean_session = (flags & kCleanSession) != 0;
  if (v5) {
    auto props = read_properties(r, kInConnect);
    if (!props) return props.error();
    p.properties = *props;
  }

  if (!r.string(p.client_id)) return DecodeError::LengthMismatch;
  if (!is_valid_utf8_string(p.client_id)) return DecodeError::InvalidUtf8;  // [MQTT-3.1.3-4]
  if (has_will) {
    Will will;
    will.qos = static_cast<QoS>(will_qos);
    will.retain = (flags & kWillRetain) != 0;
    if (v5) {
      auto props = read_properties(r, kInWill);
      if (!props) return props.error();
      will.properties = *props;
    }
    if (!r.string(will.topic) || !r.binary(will.payload)) return DecodeError::LengthMismatch;
    const TextCheck topic = check_topic_name(will.topic);  // [MQTT-3.1.3-10]
    if (topic != TextCheck::Ok) return to_decode_error(topic, DecodeError::InvalidTopic);
    p.will = will;
  }
  if (has_username) {
    std::string_view username;
    if (!r.string(username)) return DecodeError::LengthMismatch;
    if (!is_valid_utf8_string(username)) return DecodeError::InvalidUtf8;  // [MQTT-3.1.3-11]
    p.username = username;
  }
  if (has_password) {
    Bytes password;
    if (!r.binary(password)) return DecodeError::LengthMismatch;
    p.password = password;
  }
  if (!r.at_end()) return DecodeError::LengthMismatch;  // [MQTT-3.1.3-1]: nothing after these
  return Packet{p};
}

}  // namespace detail
}  // namespace mqtt_setup::codec
