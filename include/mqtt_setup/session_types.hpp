// The values the session shares with everyone above it: time, tickets, events, errors,
// statistics. The facade's public headers (mqtt_setup.hpp, options.hpp, error.hpp) and the
// platform's need these, not the Session class: keeping them apart keeps Session's private
// layout out of every user's build (docs/design.md, "Layers"). session.hpp includes this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqtt_setup/authenticator.hpp"
#include "mqtt_setup/codec.hpp"

namespace mqtt_setup {

/// Monotonic time in milliseconds. Only differences matter.
using Millis = std::uint64_t;
inline constexpr Millis kNever = ~Millis{0};

/// What to do when a new message does not fit in the store.
enum class OverflowPolicy : std::uint8_t {
  DropOldest,  // discard the oldest message not yet sent (default: fresh readings matter more)
  RejectNew,   // refuse the new message
};

enum class SessionState : std::uint8_t { Disconnected, Connecting, Connected, Disconnecting };

/// Why a connection ended (Event::Kind::Disconnected).
enum class DisconnectReason : std::uint8_t {
  Requested = 1,        // disconnect() was called and DISCONNECT written
  TransportClosed,      // the driver reported connection_lost()
  ConnectTimeout,       // no CONNACK within connect_timeout_ms
  KeepAliveTimeout,     // nothing received within the ping timeout: dead link
  Refused,              // CONNACK with a non-zero return code (see Event::refused)
  ServerDisconnected,   // 5.0: the broker sent DISCONNECT (see Event::reason_code)
  MalformedPacket,      // the broker sent bytes that are not valid MQTT (see Event::decode_error)
  ProtocolViolation,    // a valid packet at the wrong time (see Event::violation)
  PacketTooLarge,       // an incoming packet larger than the receive buffer
  AckTimeout,           // a message waited SessionConfig::ack_timeout_ms for its acknowledgement
  AuthenticationFailed, // 5.0: our Authenticator refused the server's data (see Event::auth_error)
};

enum class Violation : std::uint8_t {
  None = 0,
  UnexpectedPacketType,   // a packet a server never sends (CONNECT, SUBSCRIBE, PINGREQ, ...)
  PacketBeforeConnack,    // [MQTT-3.2.0-1]: the first packet from the server must be CONNACK
  DuplicateConnack,
  TopicAliasInvalid,      // 5.0: alias 0, above the maximum we announced, or never set
  TopicAliasForgotten,    // 5.0: a legal alias whose topic our full table had to forget (0x83)
  ProblemInformationNotRequested,  // 5.0: a reason string or user property on an ack although
                                   // CONNECT asked for none, [MQTT-3.1.2-29]
  AuthOutOfTurn,          // 5.0: AUTH when no authentication is going on, or AUTH 0x19 (only a
                          // client starts a re-authentication), or AUTH 0x00 during CONNECT
  AuthMethodMismatch,     // 5.0: AUTH or CONNACK without our authentication method, or another
                          // one, [MQTT-4.12.0-5]
};

/// Why a queued message was discarded (Event::Kind::Dropped).
enum class DropReason : std::uint8_t {
  Overflow,  // the store was full (OverflowPolicy::DropOldest)
  Expired,   // its time to live ran out before it could be sent
  Replaced,  // a newer reading for the same topic took its place (PublishOptions::replace_queued)
  RefusedByBroker,  // 5.0: PUBACK/PUBREC with a failure reason code (see Event::reason_code)
  TooLargeForBroker,  // 5.0: larger than the broker's maximum packet size
  NotSupportedByServer,  // 5.0: QoS or retain the broker's CONNACK does not allow (queued before)
};

std::string_view describe(DisconnectReason reason);
std::string_view describe(DropReason reason);
std::string_view describe(Violation violation);
std::string_view describe(codec::ConnectReturnCode code);  // "bad user name or password"; 5.0 too

/// Something the driver or the user should know. Fields beyond `kind` are valid per kind.
struct Event {
  enum class Kind : std::uint8_t {
    Connected,     // session_present
    Disconnected,  // reason (+ refused / decode_error / violation)
    Message,       // message: views into the receive buffer, valid until the next poll_event()
    Delivered,     // ticket: QoS 1 PUBACK, QoS 2 PUBCOMP (QoS 0: only stats().delivered)
    Dropped,       // ticket, drop_reason (when many are dropped between two polls, only the
                   // first few are reported; stats() counts every one)
    Subscribed,    // ticket, return_codes (one per filter; codec::kSubackFailure = refused)
    Unsubscribed,  // ticket
    Reauthenticated,  // 5.0: Session::reauthenticate() ended with the server's AUTH 0x00
  };
  Kind kind = Kind::Connected;
  bool session_present = false;
  DisconnectReason reason = DisconnectReason::Requested;
  codec::ConnectReturnCode refused = codec::ConnectReturnCode::Accepted;
  codec::DecodeError decode_error = codec::DecodeError::Incomplete;
  Violation violation = Violation::None;
  DropReason drop_reason = DropReason::Overflow;
  codec::Publish message;
  std::uint32_t ticket = 0;
  codec::Bytes return_codes;  // 5.0: reason codes, failures are 0x80 and above
  // 5.0, views valid until the next poll_event(): the reason code of a refusing CONNACK, a
  // server's DISCONNECT or a refusing PUBACK/PUBREC, and what came with it.
  std::uint8_t reason_code = 0;
  std::string_view reason_string;
  std::string_view server_reference;    // Refused / ServerDisconnected: "use another server"
  std::string_view assigned_client_id;  // Connected: the id a broker chose for an empty one
  std::string_view response_information;  // Connected: the CONNACK's, [MQTT-3.2.2.3.15]
  AuthError auth_error = AuthError::None;  // AuthenticationFailed: what the authenticator said
};

enum class SessionError : std::uint8_t {
  None = 0,             // no session error (Error::session when the cause lies elsewhere)
  InvalidTopic = 1,     // not a valid topic name / filter
  InvalidMessage,       // cannot be encoded (see codec::EncodeError)
  TooLarge,             // larger than the store (or the transmit buffer) can ever hold
  StoreFull,            // no room and the policy refuses (or everything held is in flight)
  NotConnected,         // disconnected and max_queued is 0
  Busy,                 // connect requested while not disconnected; load_state() on a used session
  // save_state() / load_state() (deep sleep)
  BufferTooSmall,       // save_state(): the buffer is smaller than state_size()
  StateCorrupt,         // load_state(): not a saved state, truncated, or its CRC does not match
  StateVersion,         // load_state(): written by another format version of this library
  StateForeign,         // load_state(): saved by a session with another client id
  NotSupportedByServer, // 5.0: retain or QoS above what the broker's CONNACK allows
  VersionNotBuiltIn,    // start_connect(): config.version is left out of this build (codec::is_built)
  AuthenticationUnavailable,  // reauthenticate() without an authenticator, or an authenticator
                              // with 3.1.1 (enhanced authentication is 5.0's)
  AuthenticatorFailed,  // the authenticator's start() failed (e.g. no random nonce)
};
std::string_view describe(SessionError error);

/// Where a message went when publish() accepted it.
enum class Accepted : std::uint8_t {
  Sending,  // connected: goes out with the next poll_transmit (or when the window opens)
  Queued,   // not connected: held until the next connection
};

/// Per-message choices beyond the packet itself.
struct PublishOptions {
  Millis ttl_ms = 0;            // drop if not sent within this time (0: never); 5.0 sends the
                                // remaining time as message expiry
  bool replace_queued = false;  // drop any still-unsent message to the same topic first
  /// 5.0 properties of the message (user properties, content type, response topic, ...), for
  /// MQTTSetup::publish; Session::publish takes them in codec::Publish::properties. Copied.
  codec::Properties properties;
};

struct Ticket {
  std::uint32_t id = 0;  // follows the message through Delivered / Dropped events
  Accepted accepted = Accepted::Sending;
};

struct SessionStats {
  std::uint64_t published = 0;    // accepted by publish()
  std::uint64_t delivered = 0;    // QoS 0 written + QoS 1/2 acknowledged
  std::uint64_t dropped = 0;      // Dropped events, all reasons
  std::uint64_t expired = 0;      //   of which the time to live ran out
  std::uint64_t replaced = 0;     //   of which a newer reading replaced them
  std::uint64_t refused = 0;      //   of which the broker refused them (5.0 reason code)
  std::uint64_t too_large = 0;    //   of which they exceed the broker's maximum packet size
  std::uint64_t not_supported = 0;  // of which the broker's CONNACK no longer allows them
                                  //   (the rest: the store was full, OverflowPolicy::DropOldest)
  std::uint8_t last_refusal = 0;  // the reason code of the latest refusal (0x87 not authorized)
  /// QoS 2 messages the broker answered with PUBACK instead of PUBREC (RabbitMQ 3.x downgrades
  /// QoS 2 to 1): taken as delivered at QoS 1 (also counted in `delivered`). 32 bits: it sits
  /// in the padding after last_refusal, so the session does not grow.
  std::uint32_t qos2_acked_as_qos1 = 0;
  std::uint64_t resent = 0;       // PUBLISH/PUBREL sent again after a reconnect
  std::uint64_t received = 0;     // Message events
  std::uint64_t connects = 0;     // CONNACK accepted
  std::uint64_t unknown_acks = 0; // acknowledgements for identifiers not in flight (ignored)
  /// Incoming QoS 2 messages beyond the tracking capacity: delivered, but a resend of one of
  /// them after a reconnect would be delivered again.
  std::uint64_t qos2_untracked = 0;
  std::uint32_t queued = 0;       // messages in the store now (in flight included)
  std::uint32_t inflight = 0;     // of which sent and awaiting acknowledgement
};

}  // namespace mqtt_setup
