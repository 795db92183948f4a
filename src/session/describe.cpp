// Human sentences for the session's codes. Lower case, no trailing period: callers compose them.
#include "mqtt_setup/session.hpp"

namespace mqtt_setup {

std::string_view describe(DisconnectReason reason) {
  switch (reason) {
    case DisconnectReason::Requested: return "disconnected as requested";
    case DisconnectReason::TransportClosed: return "the connection was closed";
    case DisconnectReason::ConnectTimeout: return "no CONNACK from the broker in time";
    case DisconnectReason::KeepAliveTimeout: return "no answer to PINGREQ: the link is dead";
    case DisconnectReason::Refused: return "the broker refused the connection";
    case DisconnectReason::ServerDisconnected: return "the broker closed the connection";
    case DisconnectReason::MalformedPacket: return "the broker sent a malformed packet";
    case DisconnectReason::ProtocolViolation: return "the broker violated the MQTT protocol";
    case DisconnectReason::PacketTooLarge:
      return "the broker sent a packet larger than the receive buffer";
    case DisconnectReason::AckTimeout:
      return "the broker did not acknowledge a message in time: reconnecting to resend it";
    case DisconnectReason::AuthenticationFailed:
      return "the broker failed our authentication check (see the authentication error)";
  }
  return "unknown reason";
}

std::string_view describe(DropReason reason) {
  switch (reason) {
    case DropReason::Overflow: return "the queue was full";
    case DropReason::Expired: return "its time to live ran out";
    case DropReason::Replaced: return "a newer value for the same topic replaced it";
    case DropReason::RefusedByBroker: return "the broker refused it";
    case DropReason::TooLargeForBroker: return "it is larger than the broker's maximum packet size";
    case DropReason::NotSupportedByServer:
      return "the broker does not allow its qos or retain flag (see its CONNACK)";
  }
  return "unknown reason";
}

std::string_view describe(Violation violation) {
  switch (violation) {
    case Violation::None: return "no violation";
    case Violation::UnexpectedPacketType: return "it sent a packet type a server never sends";
    case Violation::PacketBeforeConnack: return "its first packet was not CONNACK";
    case Violation::DuplicateConnack: return "it sent a second CONNACK";
    case Violation::TopicAliasInvalid: return "it used a topic alias that is not valid";
    case Violation::TopicAliasForgotten:
      return "our topic alias table was too small to keep the topic of an alias it used";
    case Violation::ProblemInformationNotRequested:
      return "it sent a reason string or user property on an acknowledgement although we "
             "asked for no problem information";
    case Violation::AuthOutOfTurn: return "it sent AUTH when no authentication was going on";
    case Violation::AuthMethodMismatch:
      return "its AUTH or CONNACK did not name our authentication method";
  }
  return "unknown violation";
}

std::string_view describe(codec::ConnectReturnCode code) {
  using codec::ConnectReturnCode;
  switch (code) {
    case ConnectReturnCode::Accepted: return "accepted";
    case ConnectReturnCode::UnacceptableProtocolVersion: return "unacceptable protocol version";
    case ConnectReturnCode::IdentifierRejected: return "client identifier rejected";
    case ConnectReturnCode::ServerUnavailable: return "server unavailable";
    case ConnectReturnCode::BadUsernameOrPassword: return "bad user name or password";
    case ConnectReturnCode::NotAuthorized: return "not authorized";
  }
  return codec::describe_reason_code(static_cast<std::uint8_t>(code));  // 5.0 reason codes
}

std::string_view describe(SessionError error) {
  switch (error) {
    case SessionError::None: return "no error";
    case SessionError::InvalidTopic: return "invalid topic (empty, wildcards or bad UTF-8)";
    case SessionError::InvalidMessage: return "the message cannot be encoded";
    case SessionError::TooLarge: return "the message is larger than the buffers allow";
    case SessionError::StoreFull: return "the outgoing queue is full";
    case SessionError::NotConnected: return "not connected and queueing is off";
    case SessionError::Busy: return "a connection is already in progress";
    case SessionError::BufferTooSmall:
      return "the buffer is too small: for the session state (save_state), or a table of "
             "SessionBuffers (acks, events) has no entry; give it at least one";
    case SessionError::StateCorrupt:
      return "the saved session state is damaged (truncated or CRC mismatch)";
    case SessionError::StateVersion:
      return "the saved session state comes from another version of mqtt_setup";
    case SessionError::StateForeign: return "the saved session state belongs to another client id";
    case SessionError::NotSupportedByServer:
      return "the broker does not support this retain flag or qos (see its CONNACK)";
    case SessionError::VersionNotBuiltIn:
      return "this build leaves that mqtt version out: pick a version it has, or rebuild with "
             "MQTT_SETUP_PROTOCOLS=both (ESP-IDF: menuconfig, protocol versions built in)";
    case SessionError::AuthenticationUnavailable:
      return "enhanced authentication is unavailable: it needs mqtt 5.0 and a method this build "
             "has (SCRAM-SHA-256 needs mbedTLS), or an authenticator of your own";
    case SessionError::AuthenticatorFailed:
      return "the authenticator could not start (see its error; e.g. no random source)";
  }
  return "unknown error";
}

std::string_view describe(AuthError error) {
  switch (error) {
    case AuthError::None: return "no authentication error";
    case AuthError::MalformedChallenge:
      return "the broker's authentication data is malformed for this method";
    case AuthError::ServerNotVerified:
      return "the broker did not prove it knows the password (server signature mismatch): "
             "check the broker's credentials store, or you may be talking to another broker";
    case AuthError::ServerError: return "the broker reported an authentication error";
    case AuthError::OutOfOrder: return "authentication step out of order";
    case AuthError::TooLarge: return "an authentication message is larger than the buffers";
    case AuthError::RandomFailed: return "no random nonce could be drawn";
    case AuthError::CryptoFailed: return "the crypto library failed";
  }
  return "unknown authentication error";
}

}  // namespace mqtt_setup
