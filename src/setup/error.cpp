#include "mqtt_setup/error.hpp"

#include <cstring>

namespace mqtt_setup {

namespace {

std::string_view refusal_advice(codec::ConnectReturnCode code) {
  using codec::ConnectReturnCode;
  switch (code) {
    case ConnectReturnCode::BadUsernameOrPassword: return "check the MQTT user name and password";
    case ConnectReturnCode::NotAuthorized:
      return "check the broker's access rules for this user and client id";
    case ConnectReturnCode::IdentifierRejected: return "choose another client id";
    case ConnectReturnCode::ServerUnavailable: return "the broker is overloaded; try again later";
    case ConnectReturnCode::UnacceptableProtocolVersion:
      return "the broker does not accept MQTT 3.1.1";
    case ConnectReturnCode::Accepted: break;
  }
  return "check the broker's log";
}

std::string join(std::string_view a, std::string_view b) {
  std::string s(a);
  s += b;
  return s;
}

}  // namespace

std::string Error::message() const {
  switch (kind) {
    case Kind::None: return "no error";
    case Kind::Unreachable:
      if (reason == DisconnectReason::Requested) {
        return join("cannot reach the broker: ", describe(transport));
      }
      return join("connection lost: ", describe(reason));
    case Kind::Refused:
      return join(join(join("broker refused the connection: ", describe(refused)), " — "),
                  refusal_advice(refused));
    case Kind::Tls: return join("TLS failure: ", describe(transport));
    case Kind::Protocol: {
      std::string s = join("protocol violation by the broker: ", describe(reason));
      if (reason == DisconnectReason::MalformedPacket) s += join(" (", describe(decode)) + ")";
      if (reason == DisconnectReason::ProtocolViolation) s += join(": ", describe(violation));
      return s + " — is that server an MQTT 3.1.1 broker?";
    }
    case Kind::InvalidArgument: return join("invalid argument: ", describe(session));
    case Kind::NotConnected: return "not connected to the broker";
    case Kind::QueueFull:
      return "the outgoing queue is full — raise Options::queue_messages / queue_bytes (--queue)";
    case Kind::Timeout: return "timed out";
    case Kind::Storage:
      return join("cannot use the queue file: ", std::strerror(system_error)) +
             " — check the path and its permissions";
  }
  return "unknown error";
}

Error Error::from_transport(TransportError e) {
  Error error;
  switch (e) {
    case TransportError::TlsUntrusted:
    case TransportError::TlsHostnameMismatch:
    case TransportError::TlsExpired:
    case TransportError::TlsHandshake:
    case TransportError::TlsConfig:
      error.kind = Kind::Tls;
      break;
    default:
      error.kind = Kind::Unreachable;
  }
  error.transport = e;
  return error;
}

Error Error::from_session(SessionError e) {
  Error error;
  error.session = e;
  switch (e) {
    case SessionError::StoreFull: error.kind = Kind::QueueFull; break;
    case SessionError::NotConnected: error.kind = Kind::NotConnected; break;
    default: error.kind = Kind::InvalidArgument;
  }
  return error;
}

Error Error::from_disconnect(const Event& event) {
  Error error;
  error.reason = event.reason;
  error.refused = event.refused;
  error.decode = event.decode_error;
  error.violation = event.violation;
  switch (event.reason) {
    case DisconnectReason::Requested: error.kind = Kind::None; break;
    case DisconnectReason::Refused: error.kind = Kind::Refused; break;
    case DisconnectReason::MalformedPacket:
    case DisconnectReason::ProtocolViolation:
    case DisconnectReason::PacketTooLarge:
      error.kind = Kind::Protocol;
      break;
    default: error.kind = Kind::Unreachable;
  }
  return error;
}

}  // namespace mqtt_setup
