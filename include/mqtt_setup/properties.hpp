// MQTT 5 properties, [MQTT-2.2.2], and reason codes, [MQTT-2.4]. Properties stay in their wire
// form: a packet holds a view of the encoded property bytes (no heap), read through an iterator
// or find(), and written by a PropertyWriter into a caller buffer. Every set of properties the
// codec encodes or decodes is validated for the packet that carries it: known identifier,
// allowed in that packet, at most once unless repeatable, value in range ([MQTT-2.2.2.2]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "mqtt_setup/bytes.hpp"
#include "mqtt_setup/kconfig_defaults.hpp"  // MQTT_SETUP_MQTT311, MQTT_SETUP_MQTT5

namespace mqtt_setup::codec {

/// The protocol level byte of CONNECT: 3.1.1 is 4, 5.0 is 5.
enum class ProtocolVersion : std::uint8_t { V311 = 4, V5 = 5 };

// Which versions this build speaks is a compile-time choice (CMake MQTT_SETUP_PROTOCOLS, or
// "Protocol versions built in" in menuconfig; docs/size.md): a device that only ever meets
// one kind of broker does not carry the other's code. Every 5.0-only path is behind
// is_v5(version), which is a constant in a one-version build, so the compiler drops the other
// version's branches and the linker its tables (properties, reason codes, topic aliases).
inline constexpr bool kBuiltV311 = MQTT_SETUP_MQTT311 != 0;
inline constexpr bool kBuiltV5 = MQTT_SETUP_MQTT5 != 0;
inline constexpr bool kBuiltBoth = kBuiltV311 && kBuiltV5;
static_assert(kBuiltV311 || kBuiltV5, "MQTT_SETUP_MQTT311 and MQTT_SETUP_MQTT5 are both 0");

/// The version of defaulted arguments: 3.1.1 where it is built in.
inline constexpr ProtocolVersion kDefaultVersion =
    kBuiltV311 ? ProtocolVersion::V311 : ProtocolVersion::V5;

/// Whether this build can speak `version`; encode() and decode() refuse the others.
constexpr bool is_built(ProtocolVersion version) {
  return version == ProtocolVersion::V5 ? kBuiltV5 : version == ProtocolVersion::V311 && kBuiltV311;
}
/// Whether the 5.0 layout applies: constant true in a 5-only build, false in a 3.1.1-only one.
constexpr bool is_v5(ProtocolVersion version) {
  return kBuiltV5 && (!kBuiltV311 || version == ProtocolVersion::V5);
}

/// Property identifiers, [MQTT-2.2.2.2] table 2-4.
enum class PropertyId : std::uint8_t {
  PayloadFormatIndicator = 0x01,        // byte: PUBLISH, will
  MessageExpiryInterval = 0x02,         // four-byte integer, seconds: PUBLISH, will
  ContentType = 0x03,                   // string: PUBLISH, will
  ResponseTopic = 0x08,                 // string: PUBLISH, will
  CorrelationData = 0x09,               // binary: PUBLISH, will
  SubscriptionIdentifier = 0x0B,        // variable byte integer: PUBLISH (repeatable), SUBSCRIBE
  SessionExpiryInterval = 0x11,         // four-byte integer: CONNECT, CONNACK, DISCONNECT
  AssignedClientIdentifier = 0x12,      // string: CONNACK
  ServerKeepAlive = 0x13,               // two-byte integer: CONNACK
  AuthenticationMethod = 0x15,          // string: CONNECT, CONNACK, AUTH
  AuthenticationData = 0x16,            // binary: CONNECT, CONNACK, AUTH
  RequestProblemInformation = 0x17,     // byte 0/1: CONNECT
  WillDelayInterval = 0x18,             // four-byte integer: will
  RequestResponseInformation = 0x19,    // byte 0/1: CONNECT
  ResponseInformation = 0x1A,           // string: CONNACK
  ServerReference = 0x1C,               // string: CONNACK, DISCONNECT
  ReasonString = 0x1F,                  // string: acks, CONNACK, DISCONNECT, AUTH
  ReceiveMaximum = 0x21,                // two-byte integer, not 0: CONNECT, CONNACK
  TopicAliasMaximum = 0x22,             // two-byte integer: CONNECT, CONNACK
  TopicAlias = 0x23,                    // two-byte integer, not 0: PUBLISH
  MaximumQoS = 0x24,                    // byte 0/1: CONNACK
  RetainAvailable = 0x25,               // byte 0/1: CONNACK
  UserProperty = 0x26,                  // string pair, repeatable: every packet with properties
  MaximumPacketSize = 0x27,             // four-byte integer, not 0: CONNECT, CONNACK
  WildcardSubscriptionAvailable = 0x28, // byte 0/1: CONNACK
  SubscriptionIdentifierAvailable = 0x29,  // byte 0/1: CONNACK
  SharedSubscriptionAvailable = 0x2A,   // byte 0/1: CONNACK
};

/// How a property's value is written, [MQTT-1.5].
enum class PropertyKind : std::uint8_t {
  Unknown, Byte, TwoByteInteger, FourByteInteger, VariableByteInteger, String, Binary, StringPair,
};
PropertyKind kind_of(PropertyId id);
std::string_view name_of(PropertyId id);  // "message-expiry-interval", ...

/// One property. Which member holds the value depends on kind_of(id): integers in `number`,
/// strings in `text`, binary data in `binary`, a user property's name in `text` and its value
/// in `value`. Views point into the packet's bytes.
struct Property {
  PropertyId id = PropertyId::UserProperty;
  std::uint32_t number = 0;
  std::string_view text;
  std::string_view value;
  Bytes binary;
};

/// A view of encoded, validated properties (the bytes after the property length).
class Properties {
 public:
  Properties() = default;
  /// `wire` must have been produced by a PropertyWriter or accepted by the decoder.
  explicit Properties(Bytes wire) : wire_(wire) {}

  Bytes wire() const { return wire_; }
  bool empty() const { return wire_.empty(); }

  class Iterator {
   public:
    Iterator(Bytes wire, std::size_t offset) : wire_(wire), offset_(offset) {}
    Property operator*() const;
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return offset_ == other.offset_; }
    bool operator!=(const Iterator& other) const { return offset_ != other.offset_; }

   private:
    Bytes wire_;
    std::size_t offset_;
  };
  Iterator begin() const { return {wire_, 0}; }
  Iterator end() const { return {wire_, wire_.size()}; }

  /// The values of one integer property, in wire order: all of them where it may repeat (the
  /// subscription identifiers of a received PUBLISH, [MQTT-3.3.4-3]). See PropertyNumbers.
  class PropertyNumbers numbers(PropertyId id) const;

  /// The first property with this identifier.
  std::optional<Property> find(PropertyId id) const;
  /// An integer property's value, or `fallback` when it is absent.
  std::uint32_t number_or(PropertyId id, std::uint32_t fallback) const;

 private:
  Bytes wire_;
};

/// What Properties::numbers() returns: a range read from the view as it is iterated (nothing
/// copied, no heap), valid while the properties' bytes are.
class PropertyNumbers {
 public:
  class Iterator {
   public:
    Iterator(Properties::Iterator at, Properties::Iterator end, PropertyId id)
        : at_(at), end_(end), id_(id) {
      skip();
    }
    std::uint32_t operator*() const { return (*at_).number; }
    Iterator& operator++() {
      ++at_;
      skip();
      return *this;
    }
    bool operator==(const Iterator& other) const { return at_ == other.at_; }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    void skip() {
      while (at_ != end_ && (*at_).id != id_) ++at_;
    }
    Properties::Iterator at_;
    Properties::Iterator end_;
    PropertyId id_;
  };

  PropertyNumbers(Properties properties, PropertyId id) : properties_(properties), id_(id) {}
  Iterator begin() const { return {properties_.begin(), properties_.end(), id_}; }
  Iterator end() const { return {properties_.end(), properties_.end(), id_}; }
  bool empty() const { return begin() == end(); }
  std::size_t count() const {
    std::size_t n = 0;
    for (auto it = begin(); it != end(); ++it) ++n;
    return n;
  }
  bool contains(std::uint32_t value) const {
    for (const std::uint32_t n : *this) {
      if (n == value) return true;
    }
    return false;
  }

 private:
  Properties properties_;
  PropertyId id_;
};

inline PropertyNumbers Properties::numbers(PropertyId id) const { return {*this, id}; }

/// Writes properties into a caller buffer: `PropertyWriter w{buf}; w.add(...); w.add(...);`
/// then `w.properties()` for the packet. A value of the wrong kind, a value out of range or a
/// full buffer makes ok() false (and the first such problem stays in error_message()).
/// Packet-level rules (allowed here? twice?) are checked when the packet is encoded.
class PropertyWriter {
 public:
  explicit PropertyWriter(MutableBytes out) : out_(out) {}

  /// Byte, two-byte, four-byte and variable byte integer properties.
  PropertyWriter& add(PropertyId id, std::uint32_t number);
  /// String properties (content type, response topic, reason string, ...).
  PropertyWriter& add(PropertyId id, std::string_view text);
  /// Binary properties (correlation data, authentication data).
  PropertyWriter& add(PropertyId id, Bytes binary);
  /// A user property: a name/value pair of strings; repeatable, order kept.
  PropertyWriter& add_user(std::string_view name, std::string_view value);

  bool ok() const { return error_.empty(); }
  std::string_view error_message() const { return error_; }
  std::size_t size() const { return used_; }
  Properties properties() const { return Properties{out_.first(used_)}; }

 private:
  bool reserve(PropertyId id, PropertyKind kind, std::size_t bytes);
  void fail(std::string_view why) {
    if (error_.empty()) error_ = why;
  }
  MutableBytes out_;
  std::size_t used_ = 0;
  std::string_view error_;
};

// ---------------------------------------------------------------------------------------------
// Reason codes, [MQTT-2.4] table 2-6. A byte on the wire; 0x80 and above are failures.

namespace reason {
inline constexpr std::uint8_t kSuccess = 0x00;
inline constexpr std::uint8_t kGrantedQoS1 = 0x01;
inline constexpr std::uint8_t kGrantedQoS2 = 0x02;
inline constexpr std::uint8_t kDisconnectWithWill = 0x04;
inline constexpr std::uint8_t kNoMatchingSubscribers = 0x10;
inline constexpr std::uint8_t kNoSubscriptionExisted = 0x11;
inline constexpr std::uint8_t kContinueAuthentication = 0x18;
inline constexpr std::uint8_t kReauthenticate = 0x19;
inline constexpr std::uint8_t kUnspecifiedError = 0x80;
inline constexpr std::uint8_t kMalformedPacket = 0x81;
inline constexpr std::uint8_t kProtocolError = 0x82;
inline constexpr std::uint8_t kImplementationSpecificError = 0x83;
inline constexpr std::uint8_t kUnsupportedProtocolVersion = 0x84;
inline constexpr std::uint8_t kClientIdentifierNotValid = 0x85;
inline constexpr std::uint8_t kBadUserNameOrPassword = 0x86;
inline constexpr std::uint8_t kNotAuthorized = 0x87;
inline constexpr std::uint8_t kServerUnavailable = 0x88;
inline constexpr std::uint8_t kServerBusy = 0x89;
inline constexpr std::uint8_t kBanned = 0x8A;
inline constexpr std::uint8_t kServerShuttingDown = 0x8B;
inline constexpr std::uint8_t kBadAuthenticationMethod = 0x8C;
inline constexpr std::uint8_t kKeepAliveTimeout = 0x8D;
inline constexpr std::uint8_t kSessionTakenOver = 0x8E;
inline constexpr std::uint8_t kTopicFilterInvalid = 0x8F;
inline constexpr std::uint8_t kTopicNameInvalid = 0x90;
inline constexpr std::uint8_t kPacketIdentifierInUse = 0x91;
inline constexpr std::uint8_t kPacketIdentifierNotFound = 0x92;
inline constexpr std::uint8_t kReceiveMaximumExceeded = 0x93;
inline constexpr std::uint8_t kTopicAliasInvalid = 0x94;
inline constexpr std::uint8_t kPacketTooLarge = 0x95;
inline constexpr std::uint8_t kMessageRateTooHigh = 0x96;
inline constexpr std::uint8_t kQuotaExceeded = 0x97;
inline constexpr std::uint8_t kAdministrativeAction = 0x98;
inline constexpr std::uint8_t kPayloadFormatInvalid = 0x99;
inline constexpr std::uint8_t kRetainNotSupported = 0x9A;
inline constexpr std::uint8_t kQoSNotSupported = 0x9B;
inline constexpr std::uint8_t kUseAnotherServer = 0x9C;
inline constexpr std::uint8_t kServerMoved = 0x9D;
inline constexpr std::uint8_t kSharedSubscriptionsNotSupported = 0x9E;
inline constexpr std::uint8_t kConnectionRateExceeded = 0x9F;
inline constexpr std::uint8_t kMaximumConnectTime = 0xA0;
inline constexpr std::uint8_t kSubscriptionIdentifiersNotSupported = 0xA1;
inline constexpr std::uint8_t kWildcardSubscriptionsNotSupported = 0xA2;
}  // namespace reason

/// "quota exceeded", "bad user name or password", ...; "unknown reason code" otherwise.
std::string_view describe_reason_code(std::uint8_t code);

}  // namespace mqtt_setup::codec
