#include "mqtt_setup/error.hpp"

#include <cstring>

#include "setup/text_buffer.hpp"

namespace mqtt_setup {

namespace {

std::string_view refusal_advice(codec::ConnectReturnCode code) {
  using codec::ConnectReturnCode;
  namespace reason = codec::reason;
  switch (static_cast<std::uint8_t>(code)) {  // 5.0 reason codes, [MQTT-3.2.2.2]
    case reason::kBadUserNameOrPassword: return "check the MQTT user name and password";
    case reason::kNotAuthorized: return "check the broker's access rules for this user and client id";
    case reason::kClientIdentifierNotValid: return "choose another client id";
    case reason::kServerUnavailable:
    case reason::kServerBusy:
    case reason::kConnectionRateExceeded:
    case reason::kQuotaExceeded:
      return "the broker is overloaded or limiting this client; try again later";
    case reason::kBanned: return "the broker banned this client; ask its operator";
    case reason::kUnsupportedProtocolVersion:
      return "the broker does not accept MQTT 5: use protocol auto or 3.1.1 (-V auto)";
    case reason::kUseAnotherServer:
    case reason::kServerMoved:
      return "connect to the server the broker named (followed automatically when it names one)";
    case reason::kPacketTooLarge: return "the CONNECT is too large for the broker: shorten the will";
    default: break;
  }
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

void write_storage_failure(const Error& e, TextBuffer& text) {
  const std::string_view reason =
      e.system_error != 0 ? std::string_view{std::strerror(e.system_error)} : describe(e.session);
  switch (e.storage) {
    case Error::StorageFailure::QueueFile:
      text << "cannot use the queue file: " << std::strerror(e.system_error)
           << " — check the path and its permissions (ESP32: that nvs_flash_init() has run "
              "and NVS has room)";
      break;
    case Error::StorageFailure::ForeignQueueFile:
      text << "it is not a queue file of ours (no mqtt_setup magic and version), so it is left "
              "untouched — give a path of its own, or remove the file if it is an old queue";
      break;
    case Error::StorageFailure::NoStorage:
      text << "prepare_for_sleep() has nowhere to keep the session — set Options::state_dir "
              "(a directory) or Options::storage";
      break;
    case Error::StorageFailure::CleanSession:
      text << "prepare_for_sleep() needs Options::clean_session = false: with a clean session "
              "the broker drops the session on the next connect — set clean_session = false";
      break;
    case Error::StorageFailure::Save:
      text << "cannot save the session for sleep: " << reason
           << " — check Options::state_dir (or NVS: free space, nvs_flash_init())";
      break;
    case Error::StorageFailure::Load:
      text << "the session saved before sleep was not restored: " << reason
           << " — its messages are not resent; the next prepare_for_sleep() replaces it";
      break;
  }
}

}  // namespace

std::string Error::message() const {
  char buffer[512];
  return std::string(write(buffer));
}

std::string_view Error::write(std::span<char> out) const {
  TextBuffer text(out);
  switch (kind) {
    case Kind::None: text << "no error"; break;
    case Kind::Unreachable:
      if (reason == DisconnectReason::Requested) {
        text << "cannot reach the broker: " << describe(transport);
      } else {
        text << "connection lost: " << describe(reason);
        if (reason == DisconnectReason::ServerDisconnected) {  // 5.0: the broker said why
          text << ": " << codec::describe_reason_code(reason_code) << " (";
          text.hex_byte(reason_code) << ")";
        }
      }
      break;
    case Kind::Refused:
      if (reason == DisconnectReason::AuthenticationFailed) {
        text << "authentication failed: " << describe(auth);
        break;
      }
      text << "broker refused the connection: " << describe(refused);
      if (reason_code >= codec::reason::kUnspecifiedError) {
        text << " (";
        text.hex_byte(reason_code) << ")";
      }
      text << " — " << refusal_advice(refused);
      break;
    case Kind::Tls: text << "TLS failure: " << describe(transport); break;
    case Kind::Protocol:
      text << "protocol violation by the broker: " << describe(reason);
      if (reason == DisconnectReason::MalformedPacket) text << " (" << describe(decode) << ")";
      if (reason == DisconnectReason::ProtocolViolation) text << ": " << describe(violation);
      text << " — is that server an MQTT 3.1.1 broker?";
      break;
    case Kind::InvalidArgument:
      // The one argument checked outside the session is the server list (setup_connection()).
      if (session == SessionError::None) {
        text << "invalid argument: no valid broker address — use HOST[:PORT][,HOST[:PORT]...]";
        break;
      }
      text << "invalid argument: " << describe(session);
      if (session == SessionError::TooLarge)
        text << " — raise Options::tx_buffer_size (the largest packet sent, topic included) and "
                "Options::queue_bytes (the store that holds it)";
      if (session == SessionError::InvalidTopic)
        text << " — give a non-empty topic suffix without + or # (they are for subscriptions)";
      break;
    case Kind::NotConnected: text << "not connected to the broker"; break;
    case Kind::QueueFull:
      text << "the outgoing queue is full — raise Options::queue_messages / queue_bytes (--queue)";
      break;
    case Kind::Timeout: text << "timed out"; break;
    case Kind::Storage: write_storage_failure(*this, text); break;
  }
  return text.view();
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
  error.reason_code = event.reason_code;
  error.auth = event.auth_error;
  switch (event.reason) {
    case DisconnectReason::Requested: error.kind = Kind::None; break;
    case DisconnectReason::Refused:
    case DisconnectReason::AuthenticationFailed:  // we refused the broker: as permanent
      error.kind = Kind::Refused;
      break;
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
