// The exit codes of docs/cli.md. Scripts and acceptance tests branch on these numbers, so they
// are a promise: never renumber.
#pragma once

#include "mqtt_setup/error.hpp"

namespace mqtt_setup::cli {

enum class ExitCode : int {
  Success = 0,
  Unreachable = 1,   // broker unreachable, or the connection lost and not recovered in time
  Usage = 2,         // bad option, unreadable file, invalid topic
  Refused = 3,       // the broker refused the connection
  Tls = 4,           // certificate or handshake failure
  NotDelivered = 5,  // --timeout ran out before everything was delivered
  Protocol = 6,      // the broker broke the protocol
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

/// The exit code for a failure to connect (or to stay connected). Timeouts of a single
/// connection attempt are "unreachable" here: code 5 is kept for undelivered messages.
constexpr ExitCode exit_code_for_connection(const Error& error) {
  switch (error.kind) {
    case Error::Kind::Refused:
      return ExitCode::Refused;
    case Error::Kind::Tls:
      return ExitCode::Tls;
    case Error::Kind::Protocol:
      return ExitCode::Protocol;
    case Error::Kind::InvalidArgument:
    case Error::Kind::Storage:
      return ExitCode::Usage;  // --queue-file unusable: configuration
    case Error::Kind::None:
    case Error::Kind::Unreachable:
    case Error::Kind::NotConnected:
    case Error::Kind::QueueFull:
    case Error::Kind::Timeout:
      break;
  }
  return ExitCode::Unreachable;
}

/// Whether trying again could ever help. The long-running commands reconnect forever through
/// everything else; these end them, because the next attempt would fail the same way.
inline bool retrying_cannot_help(const Error& error) {
  switch (error.kind) {
    case Error::Kind::Refused:
      // "server unavailable" is the broker saying "not now", not "never".
      return error.refused != codec::ConnectReturnCode::ServerUnavailable;
    case Error::Kind::Tls:
      return !is_transient(error.transport);
    case Error::Kind::Protocol:
      return true;
    default:
      return false;
  }
}

}  // namespace mqtt_setup::cli
