// MQTT 3.1.1 and 5.0 packets <-> bytes. Pure functions: no state, no I/O, no allocation.
//
// Encoding: `encoded_size(packet)` tells how many bytes `encode(packet, out)` writes into the
// caller's buffer. Decoding is incremental: `decode()` on a prefix of a packet answers
// DecodeError::Incomplete (a normal answer: read more bytes and call again); a decoded packet
// holds views (string_view / span) into the caller's buffer, valid while that buffer is.
// Both directions of every packet are supported: clients and the fake brokers of the tests
// use the same code, but a client links only its own direction (see "What is linked where"). Thread safety: every function is reentrant.
//
// Versions: one code path where 3.1.1 and 5.0 agree. The version is a parameter of encode()
// and a field of DecodeLimits (CONNECT carries its own, Connect::version). 5.0's additions
// (properties, reason codes, subscription options, AUTH) are fields that 3.1.1 ignores when
// encoding and leaves empty when decoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "mqtt_setup/bytes.hpp"
#include "mqtt_setup/properties.hpp"
#include "mqtt_setup/result.hpp"

namespace mqtt_setup::codec {

enum class PacketType : std::uint8_t {
  Connect = 1, Connack = 2, Publish = 3, Puback = 4, Pubrec = 5, Pubrel = 6, Pubcomp = 7,
  Subscribe = 8, Suback = 9, Unsubscribe = 10, Unsuback = 11, Pingreq = 12, Pingresp = 13,
  Disconnect = 14,
  Auth = 15,  // 5.0 only
};

enum class QoS : std::uint8_t { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 };

/// CONNACK return codes of 3.1.1, [MQTT-3.2.2.3]. Under 5.0 the same field holds the CONNACK
/// reason code (0, or one of the failures in codec::reason, [MQTT-3.2.2.2]).
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
  Properties properties;  // 5.0: will delay, message expiry, content type, ...
};

struct Connect {
  ProtocolVersion version = kDefaultVersion;  // decides the layout, whatever encode() is told
  Properties properties;  // 5.0
  std::string_view client_id;
  std::uint16_t keep_alive_s = 60;
  bool clean_session = true;  // 5.0 calls it clean start
  std::optional<Will> will;
  std::optional<std::string_view> username;
  std::optional<Bytes> password;
};

struct Connack {
  bool session_present = false;
  ConnectReturnCode return_code = ConnectReturnCode::Accepted;
  Properties properties;  // 5.0: receive maximum, maximum packet size, topic alias maximum, ...
};

struct Publish {
  std::string_view topic;
  Bytes payload;
  QoS qos = QoS::AtMostOnce;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // only for QoS 1 and 2
  Properties properties;        // 5.0; with a topic alias the topic may be empty
  /// 5.0, encoding only: properties written before `properties`, already encoded and not
  /// checked again (the session's topic alias and message expiry, valid by construction).
  Bytes extra_properties;
};

/// PUBACK, PUBREC, PUBREL, PUBCOMP and UNSUBACK: a type and a packet identifier.
/// 5.0 adds a reason code and properties (both left out on the wire when 0 and empty,
/// [MQTT-3.4.2.1]) and, for UNSUBACK only, one reason code per filter in `reason_codes`.
struct Ack {
  PacketType type = PacketType::Puback;
  std::uint16_t packet_id = 0;
  std::uint8_t reason_code = reason::kSuccess;
  Properties properties;
  Bytes reason_codes;  // UNSUBACK under 5.0: at least one
};

/// 5.0 retain handling, [MQTT-3.8.3.1].
enum class RetainHandling : std::uint8_t { SendOnSubscribe = 0, SendIfNew = 1, DoNotSend = 2 };

struct Subscription {
  std::string_view filter;
  QoS qos = QoS::AtMostOnce;
  // 5.0 subscription options, [MQTT-3.8.3.1]; 3.1.1 sends only the QoS.
  bool no_local = false;
  bool retain_as_published = false;
  RetainHandling retain_handling = RetainHandling::SendOnSubscribe;
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
  FilterList filters;  // QoS (and 5.0 options) per filter
  Properties properties;  // 5.0: subscription identifier, user properties
};

struct Suback {
  std::uint16_t packet_id = 0;
  Bytes return_codes;  // granted QoS 0..2, or kSubackFailure; 5.0: reason codes
  Properties properties;  // 5.0
};

struct Unsubscribe {
  std::uint16_t packet_id = 0;
  FilterList filters;  // QoS ignored
  Properties properties;  // 5.0
};

struct Pingreq {};
struct Pingresp {};

/// 3.1.1: nothing but the fixed header. 5.0: a reason code and properties (session expiry,
/// reason string, server reference), both left out when 0 and empty.
struct Disconnect {
  std::uint8_t reason_code = reason::kSuccess;
  Properties properties;
};

/// 5.0 enhanced authentication exchange, [MQTT-3.15].
struct Auth {
  std::uint8_t reason_code = reason::kSuccess;
  Properties properties;
};

using Packet = std::variant<Connect, Connack, Publish, Ack, Subscribe, Suback, Unsubscribe,
                            Pingreq, Pingresp, Disconnect, Auth>;

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
  InvalidProperty,        // 5.0: not allowed in this packet, twice, malformed or out of range
  InvalidReasonCode,      // 5.0: a reason code this packet cannot carry
  NotInThisVersion,       // AUTH, or a 5.0-only field, under 3.1.1; or a version this build
                          // leaves out (MQTT_SETUP_PROTOCOLS)
  AuthenticationDataWithoutMethod,  // 5.0: CONNECT/CONNACK/AUTH with authentication data and no
                                    // authentication method (3.1.2.11.10, 3.2.2.3.18, 3.15.2.2.3)
  MissingAuthenticationMethod,      // 5.0: AUTH without authentication method (3.15.2.2.2)
};
std::string_view describe(EncodeError error);

// What is linked where: a client's image needs only the per-type functions of what it sends
// and encode_to_server() / decode_from_server() below (library mqtt_setup_codec). The variant
// overloads for every packet type, encode(const Packet&), encoded_size(const Packet&) and
// decode(), serve servers too (CONNACK, SUBACK, decoding CONNECT): they are in library
// mqtt_setup_codec_server, which the fake brokers, fuzzers and tests link and a client does not.

/// Bytes the packet takes on the wire (fixed header included). 0 if it cannot be encoded.
/// [mqtt_setup_codec_server]
std::size_t encoded_size(const Packet& packet, ProtocolVersion version = kDefaultVersion);

/// Writes the packet into `out`; returns the number of bytes written. 3.1.1 ignores the 5.0
/// fields (properties, reason codes, subscription options) except where the result would be
/// a different packet: AUTH and a PUBLISH without topic are refused. [mqtt_setup_codec_server]
Result<std::size_t, EncodeError> encode(const Packet& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);

// Per-type overloads (same rules) for what a client sends: no variant, and only this type's code.
std::size_t encoded_size(const Connect& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Publish& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Ack& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Subscribe& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Unsubscribe& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Pingreq& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Disconnect& packet, ProtocolVersion version = kDefaultVersion);
std::size_t encoded_size(const Auth& packet, ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Connect& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Publish& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Ack& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Subscribe& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Unsubscribe& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Pingreq& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Disconnect& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode(const Auth& packet, MutableBytes out,
                                        ProtocolVersion version = kDefaultVersion);

/// The variant overloads for a packet a client sends (every type but CONNACK, SUBACK and
/// PINGRESP, which answer 0 / InvalidPacketType): what a client's store re-encodes.
std::size_t encoded_size_to_server(const Packet& packet, ProtocolVersion version = kDefaultVersion);
Result<std::size_t, EncodeError> encode_to_server(const Packet& packet, MutableBytes out,
                                                  ProtocolVersion version = kDefaultVersion);

// ---------------------------------------------------------------------------------------------
// Decoding

enum class DecodeError : std::uint8_t {
  Incomplete = 1,           // not an error: more bytes are needed
  MalformedRemainingLength, // more than 4 length bytes, [MQTT-2.2.3]
  PacketTooLarge,           // above DecodeLimits::max_packet_size
  UnknownPacketType,        // type 0, or 15 (AUTH) under 3.1.1; for decode_from_server(),
                            // a packet only a client sends
  InvalidFixedHeaderFlags,  // reserved flag bits wrong, [MQTT-2.2.2-1], [MQTT-2.2.2-2]
  InvalidQoS,               // QoS 3, [MQTT-3.3.1-4]
  InvalidPacketId,          // 0, [MQTT-2.3.1-1]
  InvalidUtf8,              // [MQTT-1.5.3-1], [MQTT-1.5.3-2]
  InvalidTopic,             // wildcard in a PUBLISH topic, or empty, [MQTT-3.3.2-2], [MQTT-4.7.3-1]
  InvalidTopicFilter,       // [MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1]
  LengthMismatch,           // a field runs past the remaining length, or bytes are left over
  InvalidProtocolName,      // CONNECT without "MQTT", [MQTT-3.1.2-1]
  UnsupportedProtocolLevel, // CONNECT level other than 4 or 5, [MQTT-3.1.2-2], or a version
                            // this build leaves out (DecodeLimits::version too)
  InvalidConnectFlags,      // reserved bit set, will/user/password flag rules, [MQTT-3.1.2-3] ...
  InvalidConnackFlags,      // reserved bits of the acknowledge flags, [MQTT-3.2.2.1]
  InvalidConnackReturnCode, // above 5
  InvalidSubackReturnCode,  // not 0, 1, 2 or 0x80, [MQTT-3.9.3-2]
  EmptyFilterList,          // [MQTT-3.8.3-3], [MQTT-3.10.3-2]
  InvalidSubscriptionOptions, // reserved bits in the requested QoS byte, [MQTT-3.8.3-4]
  MalformedProperty,        // 5.0: unknown identifier, truncated value, bad string, [MQTT-2.2.2.2]
  DuplicateProperty,        // 5.0: a property that may appear once appears twice
  PropertyNotAllowed,       // 5.0: a property this packet cannot carry
  InvalidPropertyValue,     // 5.0: e.g. receive maximum 0, topic alias 0, a byte flag above 1
  InvalidReasonCode,        // 5.0: a reason code this packet cannot carry
  MissingTopic,             // 5.0: empty topic without a topic alias, [MQTT-3.3.2-1]
  AuthenticationDataWithoutMethod,  // 5.0: CONNECT/CONNACK/AUTH with authentication data and
                                    // no authentication method (3.1.2.11.10, 3.2.2.3.18)
  MissingAuthenticationMethod,      // 5.0: AUTH without authentication method (3.15.2.2.2)
};
std::string_view describe(DecodeError error);

/// The 5.0 reason code to put in the DISCONNECT sent when a received packet fails to decode:
/// 0x81 malformed packet, 0x82 protocol error, 0x95 packet too large, [MQTT-4.13].
std::uint8_t reason_code_for(DecodeError error);

struct DecodeLimits {
  std::size_t max_packet_size = kMaxRemainingLength + 5;  // whole packet, fixed header included
  ProtocolVersion version = kDefaultVersion;  // of everything but CONNECT
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

/// Decodes one whole packet from the front of `in`. [mqtt_setup_codec_server]
Result<Decoded, DecodeError> decode(Bytes in, const DecodeLimits& limits = {});

/// decode() for what a server sends a client: CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL,
/// PUBCOMP, SUBACK, UNSUBACK, PINGRESP, DISCONNECT, AUTH. CONNECT, SUBSCRIBE, UNSUBSCRIBE and
/// PINGREQ answer UnknownPacketType. What a client links to read from the network.
Result<Decoded, DecodeError> decode_from_server(Bytes in, const DecodeLimits& limits = {});

/// decode() for what a client sends: CONNECT, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP,
/// SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, AUTH; the others answer UnknownPacketType.
/// A client links it only to show (trace) its own packets.
Result<Decoded, DecodeError> decode_from_client(Bytes in, const DecodeLimits& limits = {});

/// decode() for a SUBSCRIBE or UNSUBSCRIBE only: a client's stored request, decoded to be
/// encoded again in the other version; other types answer UnknownPacketType.
Result<Decoded, DecodeError> decode_request(Bytes in, const DecodeLimits& limits = {});

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
