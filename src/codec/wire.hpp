// Private to the codec: the pieces every packet file shares — a bounds-checked reader for
// received bytes, an unchecked writer for bytes whose size was computed first, the string
// checks, and the one encode template every packet type goes through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "mqtt_setup/codec.hpp"

namespace mqtt_setup::codec::detail {

// ---------------------------------------------------------------------------------------------
// Strings and topics (strings.cpp, topic.cpp)

/// Why a string is unusable; the caller maps it onto its own error enum.
enum class TextCheck : std::uint8_t { Ok, TooLong, InvalidUtf8, InvalidTopic };

inline constexpr std::size_t kMaxStringLength = 65'535;  // two length bytes, [MQTT-1.5.3]

/// Length and UTF-8 rules of [MQTT-1.5.3]; with `wildcards_are_invalid`, also InvalidTopic when
/// a '+' or '#' is seen, in the same pass. InvalidUtf8 wins over InvalidTopic.
TextCheck scan_utf8(std::string_view s, bool wildcards_are_invalid);
inline TextCheck check_utf8(std::string_view s) { return scan_utf8(s, false); }
/// check_utf8 plus the topic name rules: non-empty [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2].
/// One pass over the bytes: this runs for every PUBLISH.
TextCheck check_topic_name(std::string_view topic);
/// check_utf8 plus the filter rules [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1]; a broken
/// filter answers InvalidTopic.
TextCheck check_topic_filter(std::string_view filter);

inline EncodeError to_encode_error(TextCheck check, EncodeError invalid_topic) {
  switch (check) {
    case TextCheck::TooLong: return EncodeError::StringTooLong;
    case TextCheck::InvalidUtf8: return EncodeError::InvalidUtf8;
    default: return invalid_topic;
  }
}

/// Decoded strings are never too long (two length bytes), so only two answers remain.
inline DecodeError to_decode_error(TextCheck check, DecodeError invalid_topic) {
  return check == TextCheck::InvalidUtf8 ? DecodeError::InvalidUtf8 : invalid_topic;
}

// ---------------------------------------------------------------------------------------------
// Remaining length, [MQTT-2.2.3]

inline constexpr std::size_t remaining_length_size(std::size_t length) {
  return length < 128 ? 1 : length < 16'384 ? 2 : length < 2'097'152 ? 3 : 4;
}

// ---------------------------------------------------------------------------------------------
// Writing: the caller has already checked that everything fits.

class Writer {
 public:
  explicit Writer(std::uint8_t* out) : out_(out) {}

  void u8(std::uint8_t v) { *out_++ = v; }
  void u16(std::size_t v) {  // [MQTT-1.5.2]: big-endian
    out_[0] = static_cast<std::uint8_t>(v >> 8);
    out_[1] = static_cast<std::uint8_t>(v);
    out_ += 2;
  }
  void raw(const void* data, std::size_t size) {
    if (size != 0) {  // memcpy from a null (empty) view is undefined even for 0 bytes
      std::memcpy(out_, data, size);
      out_ += size;
    }
  }
  void binary(Bytes b) { u16(b.size()); raw(b.data(), b.size()); }
  void string(std::string_view s) { u16(s.size()); raw(s.data(), s.size()); }
  void varint(std::size_t length) { remaining_length(length); }  // [MQTT-1.5.5]
  void remaining_length(std::size_t length) {
    do {
      auto digit = static_cast<std::uint8_t>(length & 0x7F);
      length >>= 7;
      u8(length != 0 ? static_cast<std::uint8_t>(digit | 0x80) : digit);
    } while (length != 0);
  }

 private:
  std::uint8_t* out_;
};

// ---------------------------------------------------------------------------------------------
// Reading: every read is checked against the end of the packet; running past it is
// DecodeError::LengthMismatch.

class Reader {
 public:
  explicit Reader(Bytes in) : in_(in) {}

  bool at_end() const { return pos_ == in_.size(); }
  std::size_t left() const { return in_.size() - pos_; }

  bool u8(std::uint8_t& v) {
    if (left() < 1) return false;
    v = in_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (left() < 2) return false;
    v = static_cast<std::uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  /// A two-byte length and that many bytes, [MQTT-1.5.3] and binary data, [MQTT-3.1.3].
  bool binary(Bytes& v) {
    std::uint16_t size = 0;
    if (!u16(size) || left() < size) return false;
    v = in_.subspan(pos_, size);
    pos_ += size;
    return true;
  }
  bool string(std::string_view& v) {
    Bytes b;
    if (!binary(b)) return false;
    v = as_text(b);
    return true;
  }
  Bytes rest() {
    Bytes r = in_.subspan(pos_);
    pos_ = in_.size();
    return r;
  }
  Bytes take(std::size_t size) {  // the caller checked left() >= size
    Bytes r = in_.subspan(pos_, size);
    pos_ += size;
    return r;
  }
  /// A variable byte integer, [MQTT-1.5.5]: at most four bytes, in the fewest bytes.
  /// False when truncated, longer or padded; `malformed` tells the two apart.
  bool varint(std::uint32_t& v, bool& malformed) {
    v = 0;
    malformed = false;
    for (unsigned i = 0; i < 4; ++i) {
      std::uint8_t digit = 0;
      if (!u8(digit)) return false;
      v |= static_cast<std::uint32_t>(digit & 0x7F) << (7 * i);
      if ((digit & 0x80) == 0) {
        malformed = i > 0 && digit == 0;  // [MQTT-1.5.5-1]: minimum number of bytes
        return !malformed;
      }
    }
    malformed = true;
    return false;
  }

 private:
  Bytes in_;
  std::size_t pos_ = 0;
};

using BodySize = Result<std::size_t, EncodeError>;
using DecodedPacket = Result<Packet, DecodeError>;

// ---------------------------------------------------------------------------------------------
// 5.0 properties (properties.cpp, property_rules.cpp) and reason codes (reason_codes.cpp)

/// Where a set of properties sits: one bit per packet type, plus the will's own set.
enum PropertyPlace : std::uint16_t {
  kInConnect = 1U << 0, kInConnack = 1U << 1, kInPublish = 1U << 2, kInWill = 1U << 3,
  kInPuback = 1U << 4, kInPubrec = 1U << 5, kInPubrel = 1U << 6, kInPubcomp = 1U << 7,
  kInSubscribe = 1U << 8, kInSuback = 1U << 9, kInUnsubscribe = 1U << 10,
  kInUnsuback = 1U << 11, kInDisconnect = 1U << 12, kInAuth = 1U << 13,
};
PropertyPlace place_of(PacketType type);

/// What the spec says of one property identifier (table in properties.cpp).
struct PropertyRule {
  PropertyId id;
  PropertyKind kind;
  bool repeatable;            // user properties; subscription identifiers in PUBLISH
  bool zero_is_invalid;       // receive maximum, topic alias, maximum packet size, sub. id
  std::uint16_t places;       // PropertyPlace bits
};
/// The largest value an integer property may take; above is a protocol error. Every byte
/// property of 5.0 is 0 or 1, maximum QoS included (2 is said by leaving it out, 3.2.2.3.4).
constexpr std::uint32_t max_value_of(PropertyKind kind) {
  switch (kind) {
    case PropertyKind::Byte: return 1;
    case PropertyKind::TwoByteInteger: return 0xFFFF;
    case PropertyKind::VariableByteInteger: return kMaxRemainingLength;
    default: return 0xFFFF'FFFF;
  }
}
/// The rule of identifier `id`, or nullptr for an identifier the spec does not define.
const PropertyRule* rule_of(std::uint8_t id);

/// Parses the property at `offset` of validated or unvalidated bytes; the offset after it, or
/// 0 when it is malformed (truncated, unknown identifier, bad integer).
std::size_t parse_property(Bytes wire, std::size_t offset, Property& out);

/// Every rule of [MQTT-2.2.2.2] for properties found at `place`; strings are checked as UTF-8.
Result<void, DecodeError> check_properties(Bytes wire, PropertyPlace place);

/// Property length + properties, for encoding; InvalidProperty when check_properties fails.
BodySize properties_size(const Properties& properties, PropertyPlace place);
void write_properties(const Properties& properties, Writer& w);
/// Reads a property length and the properties, validated for `place`.
Result<Properties, DecodeError> read_properties(Reader& r, PropertyPlace place);

/// Whether a 5.0 packet of this type may carry this reason code, [MQTT-2.4].
bool is_valid_reason_code(PacketType type, std::uint8_t code);

// ---------------------------------------------------------------------------------------------
// Per packet type, each in its own file:
//   first_byte(p)      byte 1 of the fixed header
//   body_size(p,v)     validates p for version v; the remaining length, or why not
//   write_body(p,v,w)  writes the variable header and payload of a validated p
//   decode_xxx(..,v)   the body (exactly remaining-length bytes) back into a packet


std::uint8_t first_byte(const Connect& p);
BodySize body_size(const Connect& p, ProtocolVersion v);
void write_body(const Connect& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_connect(Bytes body);

std::uint8_t first_byte(const Connack& p);
BodySize body_size(const Connack& p, ProtocolVersion v);
void write_body(const Connack& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_connack(Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Publish& p);
BodySize body_size(const Publish& p, ProtocolVersion v);
void write_body(const Publish& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_publish(std::uint8_t flags, Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Ack& p);
BodySize body_size(const Ack& p, ProtocolVersion v);
void write_body(const Ack& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_ack(PacketType type, Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Subscribe& p);
BodySize body_size(const Subscribe& p, ProtocolVersion v);
void write_body(const Subscribe& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_subscribe(Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Suback& p);
BodySize body_size(const Suback& p, ProtocolVersion v);
void write_body(const Suback& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_suback(Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Unsubscribe& p);
BodySize body_size(const Unsubscribe& p, ProtocolVersion v);
void write_body(const Unsubscribe& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_unsubscribe(Bytes body, ProtocolVersion v);

std::uint8_t first_byte(const Pingreq& p);
std::uint8_t first_byte(const Pingresp& p);
inline BodySize body_size(const Pingreq&, ProtocolVersion) { return std::size_t{0}; }
inline BodySize body_size(const Pingresp&, ProtocolVersion) { return std::size_t{0}; }
inline void write_body(const Pingreq&, ProtocolVersion, Writer&) {}
inline void write_body(const Pingresp&, ProtocolVersion, Writer&) {}

// DISCONNECT and AUTH (reason_only.cpp): a reason code and properties under 5.0.
std::uint8_t first_byte(const Disconnect& p);
BodySize body_size(const Disconnect& p, ProtocolVersion v);
void write_body(const Disconnect& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_disconnect(Bytes body, ProtocolVersion v);
std::uint8_t first_byte(const Auth& p);
BodySize body_size(const Auth& p, ProtocolVersion v);
void write_body(const Auth& p, ProtocolVersion v, Writer& w);
DecodedPacket decode_auth(Bytes body, ProtocolVersion v);

/// Shared by the filter lists of SUBSCRIBE and UNSUBSCRIBE: the bytes they take, or why not.
/// `options`: SUBSCRIBE's options byte after each filter (5.0 adds bits to 3.1.1's QoS).
enum class FilterOptions : std::uint8_t { None, QoS311, Options5 };
BodySize filter_list_size(const FilterList& filters, FilterOptions options);
void write_filter_list(const FilterList& filters, FilterOptions options, Writer& w);
/// Validates a received list; the number of filters, or why it is malformed.
Result<std::size_t, DecodeError> check_filter_list(Bytes wire, FilterOptions options);

/// Calls `f` with the alternative held by `packet`. A switch on index() with get_if, because
/// std::visit and std::get may throw bad_variant_access.
template <class F>
auto with_alternative(const Packet& packet, F&& f) {
  switch (packet.index()) {
    case 0: return f(*std::get_if<0>(&packet));
    case 1: return f(*std::get_if<1>(&packet));
    case 2: return f(*std::get_if<2>(&packet));
    case 3: return f(*std::get_if<3>(&packet));
    case 4: return f(*std::get_if<4>(&packet));
    case 5: return f(*std::get_if<5>(&packet));
    case 6: return f(*std::get_if<6>(&packet));
    case 7: return f(*std::get_if<7>(&packet));
    case 8: return f(*std::get_if<8>(&packet));
    case 9: return f(*std::get_if<9>(&packet));
    default: return f(*std::get_if<10>(&packet));  // never valueless: no throws here
  }
}
static_assert(std::variant_size_v<Packet> == 11, "with_alternative() needs a case per type");

/// The whole packet at the front of `in`: its fixed header and body, or why not (Incomplete
/// included). The first step of every decode entry point.
struct WholePacket {
  FixedHeader header;
  Bytes body;
};
Result<WholePacket, DecodeError> whole_packet(Bytes in, const DecodeLimits& limits);

/// Whole packet size for a remaining length, or 0 when it is above kMaxRemainingLength.
inline std::size_t packet_size_for(std::size_t remaining_length) {
  if (remaining_length > kMaxRemainingLength) return 0;
  return 1 + remaining_length_size(remaining_length) + remaining_length;
}

template <class P>
std::size_t encoded_size_of(const P& packet, ProtocolVersion v) {
  if (!is_built(v)) return 0;
  const BodySize body = body_size(packet, v);
  return body ? packet_size_for(*body) : 0;
}

/// What encode_packet() does for every type once the body is measured (packet.cpp): one copy
/// in flash instead of one per packet type.
using BodyWriter = void (*)(const void* packet, ProtocolVersion v, Writer& w);
Result<std::size_t, EncodeError> encode_measured(const BodySize& body, std::uint8_t first_byte,
                                                 MutableBytes out, BodyWriter write,
                                                 const void* packet, ProtocolVersion v);

/// Validate (once), check the buffer, write. Every encode() ends here.
template <class P>
Result<std::size_t, EncodeError> encode_packet(const P& packet, MutableBytes out,
                                               ProtocolVersion v) {
  if (!is_built(v)) return EncodeError::NotInThisVersion;
  return encode_measured(
      body_size(packet, v), first_byte(packet), out,
      [](const void* p, ProtocolVersion version, Writer& w) {
        write_body(*static_cast<const P*>(p), version, w);
      },
      &packet, v);
}

}  // namespace mqtt_setup::codec::detail
