// MQTT 3.1.1 packets <-> bytes. Pure functions: no state, no I/O, no allocation.
//
// Encoding: `encoded_size(packet)` tells how many bytes `encode(packet, out)` writes into the
// caller's buffer. Decoding is incremental: `decode()` on a prefix of a packet answers
// DecodeError::Incomplete (a normal answer: read more bytes and call again); a decoded packet
// holds views (string_view / span) into the caller's buffer, valid while that buffer is.
// Both directions of every packet are supported: clients and the fake brokers of the tests
// use the same code. Thread safety: every function is reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "mqtt_setup/result.hpp"

namespace mqtt_setup::codec {

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

/// Views the characters of a string as bytes (payloads are often text).
inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_text(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

enum class PacketType : std::uint8_t {
  Connect = 1, Connack = 2, Publish = 3, Puback = 4, Pubrec = 5, Pubrel = 6, Pubcomp = 7,
  Subscribe = 8, Suback = 9, Unsubscribe = 10, Unsuback = 11, Pingreq = 12, Pingresp = 13,
  Disconnect = 14,
};

enum class QoS : std::uint8_t { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 };

/// CONNACK return codes, [MQTT-3.2.2.3].
enum class ConnectReturnCode : std::uint8_t {
  Accepted = 0,
  UnacceptableProtocolVersion = 1,
  IdentifierRejected = 2,
  ServerUnavailable = 3,
  BadUsernameOrPassword = 4,
  NotAuthorized = 5,
};

/// SUBACK return code for a refused subscription, [MQTT-3.9.3].
inline constexpr std::uint8_t kSubackFailure = 0x80;

/// The largest Remaining Length the 4-byte variable integer can carry, [MQTT-2.2.3].
inline constexpr std::size_t kMaxRemainingLength = 268'435'455;

struct Will {
  std::string_view topic;
  Bytes payload;
  QoS qos = QoS::AtMostOnce;
  bool retain = false;
};

struct Connect {
  std::string_view client_id;
  std::uint16_t keep_alive_s = 60;
  bool clean_session = true;
  std::optional<Will> will;
  std::optional<std::string_view> username;
  std::optional<Bytes> password;
};

struct Connack {
  bool session_present = false;
  ConnectReturnCode return_code = ConnectReturnCode::Accepted;
};

struct Publish {
  std::string_view topic;
  Bytes payload;
  QoS qos = QoS::AtMostOnce;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // only for QoS 1 and 2
};

/// PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a type and a packet identifier.
struct Ack {
  PacketType type = PacketType::Puback;
  std::uint16_t packet_id = 0;
};

struct Subscription {
  std::string_view filter;
  QoS qos = QoS::AtMostOnce;
};

/// The topic filters of a SUBSCRIBE (with QoS) or UNSUBSCRIBE (without).
/// Built from the caller's array for encoding, or a view over validated wire bytes after decoding.
class FilterList {
 public:
  FilterList() = default;
  explicit FilterList(std::span<const Subscription> items) : items_(items) {}
  /// Used by the decoder: `wire` is an already validated SUBSCRIBE/UNSUBSCRIBE payload.
  FilterList(Bytes wire, bool with_qos, std::size_t count)
      : wire_(wire), with_qos_(with_qos), count_(count) {}

  std::size_t size() const { return items_.empty() ? count_ : items_.size(); }
  bool empty() const { return size() == 0; }

  class Iterator {
   public:
    Iterator(const FilterList* list, std::size_t index, std::size_t offset)
        : list_(list), index_(index), offset_(offset) {}
    Subscription operator*() const;
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return index_ != other.index_; }
    bool operator==(const Iterator& other) const { return index_ == other.index_; }

   private:
    const FilterList* list_;
    std::size_t index_;
    std::size_t offset_;  // into wire_ when decoding
  };
  Iterator begin() const { return {this, 0, 0}; }
  Iterator end() const { return {this, size(), 0}; }

 private:
  friend class Iterator;
  std::span<const Subscription> items_;
  Bytes wire_;
  bool with_qos_ = true;
  std::size_t count_ = 0;
};

struct Subscribe {
  std::uint16_t packet_id = 0;
  FilterList filters;  // QoS per filter
};

struct Suback {
  std::uint16_t packet_id = 0;
  Bytes return_codes;  // granted QoS 0..2, or kSubackFailure
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  FilterList filters;  // QoS ignored
};

struct Pingreq {};
struct Pingresp {};
struct Disconnect {};

using Packet = std::variant<Connect, Connack, Publish, Ack, Subscribe, Suback, Unsubscribe,
                            Pingreq, Pingresp, Disconnect>;

PacketType type_of(const Packet& packet);
std::string_view name_of(PacketType type);  // "CONNECT", "PUBACK", ...

// ---------------------------------------------------------------------------------------------
// Encoding

enum class EncodeError : std::uint8_t {
  BufferTooSmall = 1,     // out is smaller than encoded_size()
  PacketTooLarge,         // remaining length above kMaxRemainingLength
  StringTooLong,          // a UTF-8 string or binary field above 65,535 bytes
  InvalidUtf8,            // ill-formed UTF-8 or U+0000 in a string, [MQTT-1.5.3-1], [MQTT-1.5.3-2]
  InvalidTopic,           // empty topic, or wildcard in a PUBLISH/Will topic, [MQTT-3.3.2-2]
  InvalidTopicFilter,     // filter breaks the wildcard rules, [MQTT-4.7.1-2], [MQTT-4.7.1-3]
  InvalidPacketId,        // 0 where an identifier is required, [MQTT-2.3.1-1]
  InvalidQoS,             // QoS above 2
  EmptyFilterList,        // SUBSCRIBE/UNSUBSCRIBE without filters, [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  PasswordWithoutUsername,  // [MQTT-3.1.2-22]
  InvalidPacketType,      // an Ack whose type is not PUBACK, PUBREC, PUBREL, PUBCOMP or UNSUBACK
};
std::string_view describe(EncodeError error);

/// Bytes the packet takes on the wire (fixed header included). 0 if it cannot be encoded.
std::size_t encoded_size(const Packet& packet);

/// Writes the packet into `out`; returns the number of bytes written.
Result<std::size_t, EncodeError> encode(const Packet& packet, MutableBytes out);

// Per-type overloads (same rules), for callers that know the type and want no variant.
std::size_t encoded_size(const Publish& packet);
Result<std::size_t, EncodeError> encode(const Publish& packet, MutableBytes out);
Result<std::size_t, EncodeError> encode(const Ack& packet, MutableBytes out);

// ---------------------------------------------------------------------------------------------
// Decoding

enum class DecodeError : std::uint8_t {
  Incomplete = 1,           // not an error: more bytes are needed
  MalformedRemainingLength, // more than 4 length bytes, [MQTT-2.2.3]
  PacketTooLarge,           // above DecodeLimits::max_packet_size
  UnknownPacketType,        // type 0 or 15
  InvalidFixedHeaderFlags,  // reserved flag bits wrong, [MQTT-2.2.2-1], [MQTT-2.2.2-2]
  InvalidQoS,               // QoS 3, [MQTT-3.3.1-4]
  InvalidPacketId,          // 0, [MQTT-2.3.1-1]
  InvalidUtf8,              // [MQTT-1.5.3-1], [MQTT-1.5.3-2]
  InvalidTopic,             // wildcard in a PUBLISH topic, or empty, [MQTT-3.3.2-2], [MQTT-4.7.3-1]
  InvalidTopicFilter,       // [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1]
  LengthMismatch,           // a field runs past the remaining length, or bytes are left over
  InvalidProtocolName,      // CONNECT without "MQTT", [MQTT-3.1.2-1]
  UnsupportedProtocolLevel, // CONNECT level other than 4, [MQTT-3.1.2-2]
  InvalidConnectFlags,      // reserved bit set, will/user/password flag rules, [MQTT-3.1.2-3] ...
  InvalidConnackFlags,      // reserved bits of the acknowledge flags, [MQTT-3.2.2.1]
  InvalidConnackReturnCode, // above 5
  InvalidSubackReturnCode,  // not 0, 1, 2 or 0x80, [MQTT-3.9.3-2]
  EmptyFilterList,          // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  InvalidSubscriptionOptions, // reserved bits in the requested QoS byte, [MQTT-3.8.3-4]
};
std::string_view describe(DecodeError error);

struct DecodeLimits {
  std::size_t max_packet_size = kMaxRemainingLength + 5;  // whole packet, fixed header included
};

/// The fixed header: enough to know how long the whole packet is.
struct FixedHeader {
  PacketType type = PacketType::Connect;
  std::uint8_t flags = 0;              // low nibble of byte 1
  std::size_t remaining_length = 0;
  std::size_t header_size = 0;         // 2..5
  std::size_t packet_size() const { return header_size + remaining_length; }
};

/// Decodes only the fixed header; Incomplete until the length bytes are all there.
Result<FixedHeader, DecodeError> decode_fixed_header(Bytes in, const DecodeLimits& limits = {});

struct Decoded {
  Packet packet;
  std::size_t size = 0;  // bytes consumed from the input
};

/// Decodes one whole packet from the front of `in`.
Result<Decoded, DecodeError> decode(Bytes in, const DecodeLimits& limits = {});

// ---------------------------------------------------------------------------------------------
// Validation helpers shared by the encoder, the decoder and the layers above.

/// Well-formed UTF-8, no U+0000, no surrogates, at most 65,535 bytes, [MQTT-1.5.3].
bool is_valid_utf8_string(std::string_view s);
/// A topic name a PUBLISH may carry: non-empty, valid string, no '+' or '#', [MQTT-3.3.2-2].
bool is_valid_topic_name(std::string_view topic);
/// A topic filter: non-empty, valid string, '#' last and alone in its level, '+' alone in its level.
bool is_valid_topic_filter(std::string_view filter);
/// Whether `topic` matches `filter` ([MQTT-4.7]; '$' topics are not matched by leading wildcards).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace mqtt_setup::codec
